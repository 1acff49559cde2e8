/**
 * Writes a whole number with commas between groups of three digits, as
 * `n.toLocaleString('en')` does ("12,345"), without Intl: the first Intl formatter of a page
 * loads ICU's number data (~15 ms on the start path, measured with bench/profile/start-profile.ts).
 * Fractions are rounded to the nearest whole number.
 */
export function groupDigits(n: number): string {
  const digits = String(Math.round(Math.abs(n)));
  const grouped = digits.replace(/\B(?=(\d{3})+$)/g, ',');
  return n < 0 && grouped !== '0' ? `-${grouped}` : grouped;
}
