/**
 * Masks that keep just enough to recognise a record on a call ("S*** K***", "s***@example.com",
 * "•••••••45") without revealing it (§12).
 */
export function maskName(name: string | null): string | null {
  if (!name) return name;
  return name
    .trim()
    .split(/\s+/)
    .map((part) => `${[...part][0] ?? ''}***`)
    .join(' ');
}

export function maskEmail(email: string | null): string | null {
  if (!email) return email;
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${[...email][0]}***${email.slice(at)}`;
}

export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  const digits = phone.replace(/\D/g, '');
  if (digits.length <= 2) return '•••';
  return `${'•'.repeat(Math.max(3, digits.length - 2))}${digits.slice(-2)}`;
}
