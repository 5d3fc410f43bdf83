/** The outcome of an admin action: a polite status line for screen readers, a visible note or an alert. */
export function Flash({ message, error }: { message: string | null; error: string | null }) {
  return (
    <>
      <p className="visually-hidden" role="status" aria-live="polite">
        {message ?? ''}
      </p>
      {message ? <p className="ok-note">{message}</p> : null}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </>
  );
}
