/** Saves a Blob or a data URL as a file through a temporary download link (the browser's download, not a tab). */
export function saveFile(content: Blob | string, filename: string): void {
  const href = typeof content === 'string' ? content : URL.createObjectURL(content);
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later, not at once: some browsers read the object URL after click() returns.
  if (typeof content !== 'string') setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
