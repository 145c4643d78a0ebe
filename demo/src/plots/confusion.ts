// Confusion matrix as an HTML table: rows are true classes, columns predicted,
// cells shaded by their share of the row.

/** Fills table with the counts of (actual, predicted) pairs. */
export function drawConfusion(table: HTMLTableElement, actual: ArrayLike<number>, predicted: ArrayLike<number>, names: readonly string[]): void {
  const k = names.length;
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < actual.length; i++) counts[actual[i]][predicted[i]]++;
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  head.insertCell().textContent = 'true \\ predicted';
  for (const n of names) head.insertCell().textContent = n;
  const body = table.createTBody();
  counts.forEach((row, a) => {
    const tr = body.insertRow();
    tr.insertCell().textContent = names[a];
    const total = row.reduce((s, c) => s + c, 0) || 1;
    row.forEach((c, p) => {
      const td = tr.insertCell();
      td.textContent = String(c);
      const share = c / total;
      td.style.background = a === p ? `rgba(8, 119, 189, ${share * 0.6})` : `rgba(245, 147, 34, ${share * 0.9})`;
    });
  });
}
