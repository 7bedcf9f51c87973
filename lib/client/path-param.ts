/**
 * A page's dynamic segment as the id it names. Next.js hands pages the
 * segment still percent-encoded (route handlers get it decoded); a malformed
 * one is kept as typed, so the page says "not found" instead of failing.
 */
export function decodePathParam(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
