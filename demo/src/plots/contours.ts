// Marching squares: the line segments where a sampled field crosses a level.
// Used for the contours of J and for the decision boundary (P = 0.5).

/**
 * Segments [x1, y1, x2, y2, ...] in grid coordinates (column i, row j, fractional)
 * where `values` (nx x ny samples, row-major: values[j * nx + i]) crosses `level`.
 * A saddle cell is resolved by the mean of its corners.
 */
export function contourSegments(values: ArrayLike<number>, nx: number, ny: number, level: number): number[] {
  const out: number[] = [];
  // Where the level crosses the edge from corner a (value va) to corner b: fraction along it.
  const t = (va: number, vb: number) => (level - va) / (vb - va);
  for (let j = 0; j < ny - 1; j++) {
    for (let i = 0; i < nx - 1; i++) {
      const v00 = values[j * nx + i];
      const v10 = values[j * nx + i + 1];
      const v01 = values[(j + 1) * nx + i];
      const v11 = values[(j + 1) * nx + i + 1];
      const code = (v00 > level ? 1 : 0) | (v10 > level ? 2 : 0) | (v11 > level ? 4 : 0) | (v01 > level ? 8 : 0);
      if (code === 0 || code === 15) continue;
      // Crossing points on the four edges: bottom (j), right (i+1), top (j+1), left (i).
      const bottom = () => [i + t(v00, v10), j];
      const right = () => [i + 1, j + t(v10, v11)];
      const top = () => [i + t(v01, v11), j + 1];
      const left = () => [i, j + t(v00, v01)];
      const seg = (a: number[], b: number[]) => out.push(a[0], a[1], b[0], b[1]);
      switch (code) {
        case 1: case 14: seg(left(), bottom()); break;
        case 2: case 13: seg(bottom(), right()); break;
        case 3: case 12: seg(left(), right()); break;
        case 4: case 11: seg(right(), top()); break;
        case 6: case 9: seg(bottom(), top()); break;
        case 7: case 8: seg(left(), top()); break;
        case 5: case 10: {
          const centreAbove = (v00 + v10 + v01 + v11) / 4 > level;
          // code 5: corners 00 and 11 above. If the centre is above too, they connect through it.
          if ((code === 5) === centreAbove) {
            seg(left(), top());
            seg(bottom(), right());
          } else {
            seg(left(), bottom());
            seg(right(), top());
          }
          break;
        }
      }
    }
  }
  return out;
}
