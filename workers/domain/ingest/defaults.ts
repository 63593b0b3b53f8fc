/** The environment of data that names none. */
export const DEFAULT_ENVIRONMENT = "production";
