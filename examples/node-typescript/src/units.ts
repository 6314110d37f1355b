export type Unit = 'c' | 'f' | 'k';

const toKelvin: Record<Unit, (v: number) => number> = {
  c: (v) => v + 273.15,
  f: (v) => ((v - 32) * 5) / 9 + 273.15,
  k: (v) => v,
};

const fromKelvin: Record<Unit, (v: number) => number> = {
  c: (v) => v - 273.15,
  f: (v) => ((v - 273.15) * 9) / 5 + 32,
  k: (v) => v,
};

/** Converts a temperature; null for an unknown unit or a value that is not a number. */
export function convert(value: number, from: Unit, to: Unit): number | null {
  if (!Number.isFinite(value) || !(from in toKelvin) || !(to in fromKelvin)) return null;
  return Math.round(fromKelvin[to](toKelvin[from](value)) * 100) / 100;
}
