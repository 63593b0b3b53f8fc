import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";

export type ToastKind = "success" | "error";
interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

/** Successes leave by themselves; an error stays until it is dismissed, so it can be read. */
const SUCCESS_MS = 6_000;

type Push = (kind: ToastKind, text: string) => void;
const ToastContext = createContext<Push>(() => {});

/**
 * Holds the toasts of the whole dashboard and renders them in two live regions (polite for
 * successes, assertive for errors). The regions exist from the first render: screen readers only
 * announce what is added to a region they already know.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const push = useCallback<Push>(
    (kind, text) => {
      const id = nextId.current++;
      // the same text again replaces the older one instead of stacking copies
      setToasts((list) => [...list.filter((t) => t.text !== text), { id, kind, text }].slice(-4));
      if (kind === "success") setTimeout(() => dismiss(id), SUCCESS_MS);
    },
    [dismiss],
  );
  const byKind = (kind: ToastKind) =>
    toasts
      .filter((t) => t.kind === kind)
      .map((t) => (
        <div key={t.id} className={`toast ${t.kind}`} data-testid="toast" data-kind={t.kind}>
          <span>{t.text}</span>
          <button type="button" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            ×
          </button>
        </div>
      ));
  return (
    <ToastContext.Provider value={push}>
      {children}
      <section className="toasts" aria-label="Notifications">
        <div aria-live="polite">{byKind("success")}</div>
        <div aria-live="assertive">{byKind("error")}</div>
      </section>
    </ToastContext.Provider>
  );
}

/** `toast("success", "Saved")` from anywhere under the ToastProvider (root.tsx). */
export function useToast(): Push {
  return useContext(ToastContext);
}

/** What actions in this dashboard answer (app/lib/forms.ts): a `message` or a `formError`. */
type ActionResult = { message?: unknown; formError?: unknown } | null | undefined;

/**
 * Shows an action's answer as a toast, once per answer: `formError` as an error, else `message`
 * as a success. Use it with `useActionData()` or a fetcher's `data`:
 * @example useActionToast(useActionData<typeof action>());
 */
export function useActionToast(result: unknown) {
  const push = useToast();
  const shown = useRef<unknown>(null);
  const { formError, message } = useMemo(() => (result ?? {}) as NonNullable<ActionResult>, [result]);
  useEffect(() => {
    if (!result || shown.current === result) return;
    shown.current = result;
    if (typeof formError === "string" && formError) push("error", formError);
    else if (typeof message === "string" && message) push("success", message);
  }, [result, formError, message, push]);
}
