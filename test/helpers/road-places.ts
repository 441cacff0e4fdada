import type { PointPlaces, VillagePlaces } from '../../src/travel/places';

/** Village and point tables as the coverage engine keeps them, for the road model's tests (inBox by trying every village). */
export class TestVillages implements VillagePlaces {
  readonly longitude: Float64Array;
  readonly latitude: Float64Array;

  constructor(places: readonly (readonly [number, number])[]) {
    this.longitude = Float64Array.from(places, (p) => p[0]);
    this.latitude = Float64Array.from(places, (p) => p[1]);
  }

  get size(): number {
    return this.longitude.length;
  }

  inBox(minX: number, minY: number, maxX: number, maxY: number): number[] {
    const out: number[] = [];
    for (let v = 0; v < this.size; v++) {
      const x = this.longitude[v]!;
      const y = this.latitude[v]!;
      if (x >= minX && x <= maxX && y >= minY && y <= maxY) out.push(v);
    }
    return out;
  }
}

export class TestPoints implements PointPlaces {
  constructor(readonly places: [number, number][], readonly ids: string[] = places.map((_, i) => `P${String(i).padStart(3, '0')}`)) {}

  longitude(point: number): number {
    return this.places[point]![0];
  }

  latitude(point: number): number {
    return this.places[point]![1];
  }

  id(point: number): string {
    return this.ids[point]!;
  }
}
