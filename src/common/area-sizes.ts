/**
 * How much an area holds: what the query cost model needs to price a list or a collection by the number of items
 * it can return (an area's villages, service points, townships, children), and the PostGIS reference by its work.
 * Built from per-township, per-home and per-county counts, rolled up along the codes (a code's prefixes are its
 * ancestors: 2 province, 4 city, 6 county, 9 township, 12 village); '' is the whole country.
 */
export interface AreaSize {
  readonly villages: number;
  /** Service points of any status (the directory). */
  readonly points: number;
  /** ACTIVE points (the ones coverage counts). */
  readonly activePoints: number;
  readonly townships: number;
  /** Direct children in the area table. */
  readonly children: number;
  /** Ellipsoidal area from the county boundaries (a township gets its county's share by villages); 0 when unknown. */
  readonly areaKm2: number;
}

export interface AreaSizeCounts {
  villagesByTownship: readonly { code: string; n: number }[];
  pointsByHome: readonly { code: string; n: number; active: number }[];
  childrenByParent: readonly { code: string; n: number }[];
  countyKm2: readonly { code: string; km2: number }[];
  items: number;
  apiKeys: number;
}

const EMPTY: AreaSize = Object.freeze({ villages: 0, points: 0, activePoints: 0, townships: 0, children: 0, areaKm2: 0 });
const LEVEL_LENGTHS = [0, 2, 4, 6, 9];

interface Mutable {
  villages: number;
  points: number;
  activePoints: number;
  townships: number;
  children: number;
  areaKm2: number;
}

export class AreaSizes {
  private constructor(
    private readonly byCode: ReadonlyMap<string, AreaSize>,
    /** Most children any one area has (for lists under an area the query does not name). */
    readonly maxChildren: number,
    /** Most service points any one village has. */
    readonly maxPointsPerVillage: number,
    /** Items in the catalogue. */
    readonly items: number,
    readonly apiKeys: number,
  ) {}

  /** The sizes of `code` ('' or null: the country); an unknown code holds nothing. */
  of(code: string | null | undefined): AreaSize {
    return this.byCode.get(code ?? '') ?? EMPTY;
  }

  static empty(): AreaSizes {
    return new AreaSizes(new Map(), 0, 0, 0, 0);
  }

  static fromCounts(counts: AreaSizeCounts): AreaSizes {
    const sizes = new Map<string, Mutable>();
    const at = (code: string): Mutable => {
      let s = sizes.get(code);
      if (!s) {
        s = { ...EMPTY };
        sizes.set(code, s);
      }
      return s;
    };
    /** `code` and each of its ancestors ('' included). */
    const upwards = (code: string, apply: (s: Mutable) => void) => {
      apply(at(code));
      for (const length of LEVEL_LENGTHS) if (length < code.length) apply(at(code.slice(0, length)));
    };
    for (const { code, n } of counts.villagesByTownship) {
      upwards(code, (s) => {
        s.villages += n;
        s.townships += 1;
      });
    }
    let maxPointsPerVillage = 0;
    for (const { code, n, active } of counts.pointsByHome) {
      if (code.length === 12) maxPointsPerVillage = Math.max(maxPointsPerVillage, n);
      upwards(code, (s) => {
        s.points += n;
        s.activePoints += active;
      });
    }
    let maxChildren = 0;
    for (const { code, n } of counts.childrenByParent) {
      at(code).children = n;
      maxChildren = Math.max(maxChildren, n);
    }
    for (const { code, km2 } of counts.countyKm2) {
      for (const length of LEVEL_LENGTHS) if (length < code.length) at(code.slice(0, length)).areaKm2 += km2;
      at(code).areaKm2 = km2;
    }
    // A township's share of its county's area, by villages (the data has no township boundaries).
    for (const [code, s] of sizes) {
      if (code.length !== 9) continue;
      const county = sizes.get(code.slice(0, 6));
      if (county && county.villages > 0) s.areaKm2 = (county.areaKm2 * s.villages) / county.villages;
    }
    return new AreaSizes(sizes, maxChildren, maxPointsPerVillage, counts.items, counts.apiKeys);
  }
}
