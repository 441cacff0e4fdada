/**
 * Writes a model in CPLEX LP format, the text HiGHS's LP reader takes. Lines are wrapped before `width`
 * characters, always between whole terms: readers of this format have had line-length limits (CPLEX documents
 * 560 characters), and a constraint over hundreds of candidates would pass any of them. A term ("+ 3 y12") is
 * never split, so a sign always stays with its coefficient and its variable.
 */
export class LpText {
  private readonly lines: string[] = [];
  private line = '';

  constructor(private readonly width = 200) {}

  /** A section keyword (`Maximize`, `Subject To`, `Bounds`, `Binary`, `End`) or any whole line. */
  section(text: string): void {
    this.flush();
    this.lines.push(text);
  }

  /** Starts a row (or the objective) named `label`. */
  row(label: string): void {
    this.flush();
    this.line = ` ${label}:`;
  }

  /** Appends one token (a term, a comparison, a name) to the current line, wrapping first when it would not fit. */
  add(token: string): void {
    if (this.line.length + 1 + token.length > this.width && this.line.trim().length > 0) {
      this.lines.push(this.line);
      this.line = '   ';
    }
    this.line += ` ${token}`;
  }

  /** `+ 3 y12`; a coefficient of 1 is left out, and so are 0 terms. */
  term(coefficient: number, variable: string): void {
    if (coefficient === 0) return;
    const sign = coefficient < 0 ? '-' : '+';
    const size = Math.abs(coefficient);
    this.add(size === 1 ? `${sign} ${variable}` : `${sign} ${lpNumber(size)} ${variable}`);
  }

  toString(): string {
    this.flush();
    return `${this.lines.join('\n')}\n`;
  }

  private flush(): void {
    if (this.line.length > 0) this.lines.push(this.line);
    this.line = '';
  }
}

/** A finite number as LP text: JavaScript's shortest round-trip form (`0.1`, `1e-7`, `1.5e+21`), which strtod reads back exactly. */
export function lpNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`lpNumber: ${value} cannot be written in an LP file`);
  return String(value);
}
