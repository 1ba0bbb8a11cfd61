// Tables and small helpers the function writer uses to map TypeScript
// operators and expressions to trace ops.

import ts from 'typescript';
import type { Kind, Opcode } from '../../jit/ir/ops.js';

/** Binary operators on numbers that are float ops. */
export const FLOAT_OPERATORS: Partial<Record<ts.SyntaxKind, Opcode>> = {
  [ts.SyntaxKind.PlusToken]: 'float_add', [ts.SyntaxKind.MinusToken]: 'float_sub',
  [ts.SyntaxKind.AsteriskToken]: 'float_mul', [ts.SyntaxKind.SlashToken]: 'float_div',
  [ts.SyntaxKind.PercentToken]: 'float_mod', [ts.SyntaxKind.AsteriskAsteriskToken]: 'float_pow',
  [ts.SyntaxKind.LessThanToken]: 'float_lt', [ts.SyntaxKind.LessThanEqualsToken]: 'float_le',
  [ts.SyntaxKind.GreaterThanToken]: 'float_gt', [ts.SyntaxKind.GreaterThanEqualsToken]: 'float_ge',
};

/** Bitwise operators: int32 ops between ToInt32 conversions. */
export const INT_OPERATORS: Partial<Record<ts.SyntaxKind, Opcode>> = {
  [ts.SyntaxKind.AmpersandToken]: 'int_and', [ts.SyntaxKind.BarToken]: 'int_or',
  [ts.SyntaxKind.CaretToken]: 'int_xor', [ts.SyntaxKind.LessThanLessThanToken]: 'int_shl',
  [ts.SyntaxKind.GreaterThanGreaterThanToken]: 'int_shr', [ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken]: 'int_ushr',
};

/** `a op= b` and the operator it applies. */
export const COMPOUND_OPERATORS: Partial<Record<ts.SyntaxKind, ts.SyntaxKind>> = {
  [ts.SyntaxKind.PlusEqualsToken]: ts.SyntaxKind.PlusToken, [ts.SyntaxKind.MinusEqualsToken]: ts.SyntaxKind.MinusToken,
  [ts.SyntaxKind.AsteriskEqualsToken]: ts.SyntaxKind.AsteriskToken, [ts.SyntaxKind.SlashEqualsToken]: ts.SyntaxKind.SlashToken,
  [ts.SyntaxKind.PercentEqualsToken]: ts.SyntaxKind.PercentToken, [ts.SyntaxKind.AmpersandEqualsToken]: ts.SyntaxKind.AmpersandToken,
  [ts.SyntaxKind.BarEqualsToken]: ts.SyntaxKind.BarToken, [ts.SyntaxKind.CaretEqualsToken]: ts.SyntaxKind.CaretToken,
  [ts.SyntaxKind.LessThanLessThanEqualsToken]: ts.SyntaxKind.LessThanLessThanToken,
  [ts.SyntaxKind.GreaterThanGreaterThanEqualsToken]: ts.SyntaxKind.GreaterThanGreaterThanToken,
  [ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken]: ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken,
};

/** The array-read op for items of a kind. */
export function itemOp(kind: Kind): Opcode {
  if (kind === 'v') throw new Error('array of void');
  return `getarrayitem_${kind}` as Opcode;
}

/** `a.b.c` as a string, or null for anything else. */
export function dottedName(e: ts.Expression): string | null {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) {
    const left = dottedName(e.expression);
    return left === null ? null : `${left}.${e.name.text}`;
  }
  return null;
}
