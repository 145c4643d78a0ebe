// Writing a CSV table: a field with a separator, quote or line break is quoted (RFC 4180).

/** One CSV line of fields. */
export function csvLine(fields: readonly (string | number)[]): string {
  return fields.map((f) => {
    const s = String(f);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }).join(',');
}
