import type { z } from "zod";
import { ApiError } from "../../workers/errors";

export type FieldErrors = Record<string, string>;
export type FormResult =
  | { ok: false; formError?: string; fieldErrors?: FieldErrors }
  | { ok: true; message?: string };

/** Validates a submitted form with the same zod schema the JSON API uses. */
export function parseForm<Schema extends z.ZodType>(
  formData: FormData,
  schema: Schema,
  fields: string[],
): { data: z.infer<Schema> } | { fieldErrors: FieldErrors } {
  const raw: Record<string, unknown> = {};
  for (const field of fields) {
    const values = formData.getAll(field).filter((v): v is string => typeof v === "string");
    if (field.endsWith("[]")) raw[field.slice(0, -2)] = values;
    else if (values[0] !== undefined && values[0] !== "") raw[field] = values[0];
  }
  const result = schema.safeParse(raw);
  if (result.success) return { data: result.data };
  const fieldErrors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = String(issue.path[0] ?? "form");
    fieldErrors[key] ??= issue.message;
  }
  return { fieldErrors };
}

/** Turns a service error into what a form shows; anything unexpected is rethrown to the error boundary. */
export function formFailure(error: unknown): {
  ok: false;
  formError: string;
  fieldErrors?: FieldErrors;
  status: number;
} {
  if (error instanceof ApiError) {
    const fieldErrors: FieldErrors = {};
    for (const detail of error.details ?? []) if (detail.path) fieldErrors[detail.path] ??= detail.message;
    return { ok: false, formError: error.message, fieldErrors, status: error.status };
  }
  throw error;
}
