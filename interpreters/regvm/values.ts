// Guest values of regvm, boxed as in PyPy (W_IntObject & co): every register
// holds a W_Value and every arithmetic result is a fresh box. In a trace most
// of these boxes never escape, which is what allocation removal is for.
//
// Operations are virtual methods, so `a.add(b)` dispatches on the class of `a`
// and then tests the class of `b`. A method returns null when the operation is
// not defined for its operands; the interpreter turns that into a guest error
// that names the instruction's position.

export class W_Value {
  typeName(): string {
    return 'value';
  }
  /** The text `print` writes. */
  str(): string {
    return '?';
  }
  /** What `jnz`/`jz` test. */
  isTrue(): boolean {
    return false;
  }
  isNumber(): boolean {
    return false;
  }
  /** The value as a float; only meaningful when isNumber(). */
  toFloat(): number {
    return 0;
  }
  add(other: W_Value): W_Value | null {
    return null;
  }
  sub(other: W_Value): W_Value | null {
    return null;
  }
  mul(other: W_Value): W_Value | null {
    return null;
  }
  div(other: W_Value): W_Value | null {
    return null;
  }
  mod(other: W_Value): W_Value | null {
    return null;
  }
  lt(other: W_Value): W_Value | null {
    return null;
  }
  le(other: W_Value): W_Value | null {
    return null;
  }
  /** Equality is defined for any two values (values of unrelated types differ). */
  eq(other: W_Value): W_Value {
    return wrapBool(this === other);
  }
}

/** Integers are JS numbers with integral values (exact up to 2^53). */
export class W_Int extends W_Value {
  readonly intval: number;

  constructor(intval: number) {
    super();
    this.intval = intval;
  }

  override typeName(): string {
    return 'int';
  }
  override str(): string {
    return String(this.intval);
  }
  override isTrue(): boolean {
    return this.intval !== 0;
  }
  override isNumber(): boolean {
    return true;
  }
  override toFloat(): number {
    return this.intval;
  }
  // int op int stays an int; int op float becomes a float.
  override add(other: W_Value): W_Value | null {
    if (other instanceof W_Int) return new W_Int(this.intval + other.intval);
    if (other.isNumber()) return new W_Float(this.intval + other.toFloat());
    return null;
  }
  override sub(other: W_Value): W_Value | null {
    if (other instanceof W_Int) return new W_Int(this.intval - other.intval);
    if (other.isNumber()) return new W_Float(this.intval - other.toFloat());
    return null;
  }
  override mul(other: W_Value): W_Value | null {
    if (other instanceof W_Int) return new W_Int(this.intval * other.intval);
    if (other.isNumber()) return new W_Float(this.intval * other.toFloat());
    return null;
  }
  /** Truncating division, as in C; dividing by int zero is an error. */
  override div(other: W_Value): W_Value | null {
    if (other instanceof W_Int) {
      if (other.intval === 0) return null;
      return new W_Int(Math.trunc(this.intval / other.intval));
    }
    if (other.isNumber()) return new W_Float(this.intval / other.toFloat());
    return null;
  }
  /** The remainder has the sign of the dividend, as in C. */
  override mod(other: W_Value): W_Value | null {
    if (other instanceof W_Int) {
      if (other.intval === 0) return null;
      return new W_Int(this.intval % other.intval);
    }
    if (other.isNumber()) return new W_Float(this.intval % other.toFloat());
    return null;
  }
  override lt(other: W_Value): W_Value | null {
    if (other.isNumber()) return wrapBool(this.intval < other.toFloat());
    return null;
  }
  override le(other: W_Value): W_Value | null {
    if (other.isNumber()) return wrapBool(this.intval <= other.toFloat());
    return null;
  }
  override eq(other: W_Value): W_Value {
    return wrapBool(other.isNumber() && this.intval === other.toFloat());
  }
}

/** Floats follow IEEE 754: dividing by zero gives an infinity, not an error. */
export class W_Float extends W_Value {
  readonly floatval: number;

  constructor(floatval: number) {
    super();
    this.floatval = floatval;
  }

  override typeName(): string {
    return 'float';
  }
  override str(): string {
    return formatFloat(this.floatval);
  }
  override isTrue(): boolean {
    return this.floatval !== 0;
  }
  override isNumber(): boolean {
    return true;
  }
  override toFloat(): number {
    return this.floatval;
  }
  override add(other: W_Value): W_Value | null {
    if (other.isNumber()) return new W_Float(this.floatval + other.toFloat());
    return null;
  }
  override sub(other: W_Value): W_Value | null {
    if (other.isNumber()) return new W_Float(this.floatval - other.toFloat());
    return null;
  }
  override mul(other: W_Value): W_Value | null {
    if (other.isNumber()) return new W_Float(this.floatval * other.toFloat());
    return null;
  }
  override div(other: W_Value): W_Value | null {
    if (other.isNumber()) return new W_Float(this.floatval / other.toFloat());
    return null;
  }
  override mod(other: W_Value): W_Value | null {
    if (other.isNumber()) return new W_Float(this.floatval % other.toFloat());
    return null;
  }
  override lt(other: W_Value): W_Value | null {
    if (other.isNumber()) return wrapBool(this.floatval < other.toFloat());
    return null;
  }
  override le(other: W_Value): W_Value | null {
    if (other.isNumber()) return wrapBool(this.floatval <= other.toFloat());
    return null;
  }
  override eq(other: W_Value): W_Value {
    return wrapBool(other.isNumber() && this.floatval === other.toFloat());
  }
}

/** Strings: `add` concatenates, comparisons are lexicographic. */
export class W_Str extends W_Value {
  readonly strval: string;

  constructor(strval: string) {
    super();
    this.strval = strval;
  }

  override typeName(): string {
    return 'str';
  }
  override str(): string {
    return this.strval;
  }
  override isTrue(): boolean {
    return this.strval.length > 0;
  }
  override add(other: W_Value): W_Value | null {
    if (other instanceof W_Str) return new W_Str(this.strval + other.strval);
    return null;
  }
  override lt(other: W_Value): W_Value | null {
    if (other instanceof W_Str) return wrapBool(this.strval < other.strval);
    return null;
  }
  override le(other: W_Value): W_Value | null {
    if (other instanceof W_Str) return wrapBool(this.strval <= other.strval);
    return null;
  }
  override eq(other: W_Value): W_Value {
    return wrapBool(other instanceof W_Str && this.strval === other.strval);
  }
}

/** Comparisons give the ints 1 and 0, as in C. */
export function wrapBool(b: boolean): W_Int {
  return new W_Int(b ? 1 : 0);
}

/** Floats print with a fractional part even when integral (`3.0`), so they read apart from ints. */
export function formatFloat(f: number): string {
  if (Number.isInteger(f) && Math.abs(f) < 1e21) return f.toFixed(1);
  return String(f);
}
