/**
 * A stretch of road reached within a budget, for isochrone polygons: the reached part of one way (edge) of a road
 * network as a polyline of [lon, lat] vertices, with the minutes of the budget left at its first and at its last
 * vertex; in between, the minutes left vary linearly with the length along the line. A way reached from both ends
 * gives two stretches (which meet where the two remainders are equal, or leave a gap where neither reaches); a
 * stretch never holds a peak or a trough of the remainder, so its two end values bound it. Minutes left are ≥ 0:
 * where a way is reached only partly, its stretch ends at the point where they reach 0.
 *
 * The remainder is that of the road point itself: a place joining the road there walks its off-road leg out of it
 * (the travel model gives that pace and the longest leg it allows).
 */
export interface ReachedRoad {
  readonly line: [number, number][];
  readonly remainingAtStart: number;
  readonly remainingAtEnd: number;
}
