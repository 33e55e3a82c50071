import { formatMinorUnits, toMinorUnits } from '@ecm/core/domain';

/** An exact decimal amount for people, whole units: no double ever rounds a figure in a report. */
export const exactAmount = (decimal: string): string => formatMinorUnits(toMinorUnits(decimal));

/** An exact decimal amount in AED, whole dirhams: "AED 49,000,000,000,000,000". */
export const exactAed = (decimal: string): string => `AED ${exactAmount(decimal)}`;
