/**
 * What Deployr asks of Razorpay when an organisation buys a plan.
 */

/**
 * Billing cycles a new subscription is made for: Razorpay requires a count, and a monthly plan
 * of ten years is "until cancelled" for every practical purpose.
 */
export const SUBSCRIPTION_TOTAL_COUNT = 120;

/**
 * A customer name Razorpay accepts (3-50 characters: letters, digits, spaces and . ' / @ ( ) -),
 * from an organisation's name. Anything else becomes a space; too short a name is padded with
 * what it is.
 * @example razorpayCustomerName("Acme, Inc. & Co") // "Acme Inc. Co"
 */
export function razorpayCustomerName(name: string): string {
  const cleaned = name
    .normalize("NFKD")
    // accents come apart from their letters: keep the letter
    .replace(/\p{M}/gu, "")
    .replace(/[^A-Za-z0-9 .'/@()-]/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 50)
    .trim();
  return cleaned.length >= 3 ? cleaned : `${cleaned} organisation`.trim();
}
