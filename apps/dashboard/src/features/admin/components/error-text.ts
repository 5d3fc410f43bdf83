/** The message of a failed admin call, for the page's error line. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
