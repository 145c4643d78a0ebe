// clipPolyline: the parts of a polyline inside a rectangle, worked out by hand.
import { describe, expect, it } from 'vitest';
import { clipPolyline } from '../../src/plot/clip.js';

const box = { x0: 0, y0: 0, x1: 10, y1: 10 };

describe('clipPolyline', () => {
  it('keeps a polyline that is inside as one run, unchanged', () => {
    expect(clipPolyline([[1, 1], [5, 2], [9, 9]], box)).toEqual([[[1, 1], [5, 2], [9, 9]]]);
  });

  it('cuts a line that enters and leaves at the edges', () => {
    expect(clipPolyline([[-5, 5], [5, 5], [15, 5]], box)).toEqual([[[0, 5], [5, 5], [10, 5]]]);
  });

  it('splits a polyline that leaves and comes back into two runs', () => {
    // up through the top edge at x = 2, back down through it at x = 6
    expect(clipPolyline([[2, 8], [2, 12], [6, 12], [6, 8]], box)).toEqual([[[2, 8], [2, 10]], [[6, 10], [6, 8]]]);
  });

  it('drops what is wholly outside, including a segment that passes a corner', () => {
    expect(clipPolyline([[-1, -1], [-5, 20], [20, 20]], box)).toEqual([]);
    // the line x + y = -1 misses the box; x + y = 5 crosses it from (0, 5) to (5, 0)
    expect(clipPolyline([[-3, 2], [2, -3]], box)).toEqual([]);
    expect(clipPolyline([[-1, 6], [6, -1]], box)).toEqual([[[0, 5], [5, 0]]]);
  });
});
