// Made on first use: building a number format costs tens of milliseconds, and --json output never formats.
let amount: Intl.NumberFormat | null = null;

/** 1234.5, "GBP" → "GBP 1,234.50". */
export const formatMoney = (value: number, currency: string): string => {
  amount ??= new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${currency} ${amount.format(value)}`;
};

/** Hours for a column: 6.25 → "6.3h", 72.4 → "72h". */
export const formatAge = (hours: number): string => (hours < 10 ? `${hours.toFixed(1)}h` : `${Math.round(hours)}h`);
