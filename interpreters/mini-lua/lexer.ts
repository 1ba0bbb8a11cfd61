// Lua 5.4 lexer. Source text is a byte string (one char per byte).

import { strToNumber, hexVal } from './numconv.js';
import type { LuaValue } from './value.js';

// Token kinds. Single-char tokens use their char code (< 256); the rest start at 256.
export const T_EOF = 256;
export const T_NAME = 257;
export const T_STRING = 258;
export const T_NUMBER = 259;
export const T_AND = 260;
export const T_BREAK = 261;
export const T_DO = 262;
export const T_ELSE = 263;
export const T_ELSEIF = 264;
export const T_END = 265;
export const T_FALSE = 266;
export const T_FOR = 267;
export const T_FUNCTION = 268;
export const T_GOTO = 269;
export const T_IF = 270;
export const T_IN = 271;
export const T_LOCAL = 272;
export const T_NIL = 273;
export const T_NOT = 274;
export const T_OR = 275;
export const T_REPEAT = 276;
export const T_RETURN = 277;
export const T_THEN = 278;
export const T_TRUE = 279;
export const T_UNTIL = 280;
export const T_WHILE = 281;
export const T_IDIV = 282; // //
export const T_CONCAT = 283; // ..
export const T_DOTS = 284; // ...
export const T_EQ = 285; // ==
export const T_GE = 286; // >=
export const T_LE = 287; // <=
export const T_NE = 288; // ~=
export const T_SHL = 289; // <<
export const T_SHR = 290; // >>
export const T_DBCOLON = 291; // ::

const KEYWORDS: string[] = [
  'and', 'break', 'do', 'else', 'elseif', 'end', 'false', 'for', 'function', 'goto', 'if', 'in',
  'local', 'nil', 'not', 'or', 'repeat', 'return', 'then', 'true', 'until', 'while',
];
const OTHER_TOKENS: string[] = ['//', '..', '...', '==', '>=', '<=', '~=', '<<', '>>', '::'];

export function tokenName(t: number): string {
  // a control or non-ASCII byte prints as <\N>, like PUC's luaX_token2str
  if (t < 256) return t >= 32 && t < 127 ? String.fromCharCode(t) : '<\\' + t + '>';
  if (t === T_EOF) return '<eof>';
  if (t === T_NAME) return '<name>';
  if (t === T_STRING) return '<string>';
  if (t === T_NUMBER) return '<number>';
  if (t >= T_AND && t <= T_WHILE) return KEYWORDS[t - T_AND];
  return OTHER_TOKENS[t - T_IDIV];
}

/** A syntax error; message already carries "chunk:line:". */
export class LuaSyntaxError {
  readonly msg: string;
  constructor(msg: string) {
    this.msg = msg;
  }
}

/**
 * What luaL_loadfile skips before lexing a file (load() of a string skips nothing):
 * a UTF-8 BOM and a first line starting with '#'. The newline stays, so lines keep
 * their numbers.
 */
export function skipFileHeader(src: string): string {
  let s = src;
  if (s.charCodeAt(0) === 0xef && s.charCodeAt(1) === 0xbb && s.charCodeAt(2) === 0xbf) s = s.substring(3);
  if (s.charCodeAt(0) === 35) {
    const nl = s.indexOf('\n');
    s = nl < 0 ? '' : s.substring(nl);
  }
  return s;
}

export class Lexer {
  readonly src: string;
  readonly chunk: string;
  pos: number = 0;
  line: number = 1;
  // current token
  tok: number = 0;
  sval: string = '';
  nval: LuaValue = null;
  tokLine: number = 1;
  tokStart: number = 0;
  tokEnd: number = 0;
  // lookahead token
  ahead: number = -1;
  aSval: string = '';
  aNval: LuaValue = null;
  aLine: number = 1;
  aStart: number = 0;
  aEnd: number = 0;
  lastLine: number = 1;
  readonly keywords: Map<string, number>;

  constructor(src: string, chunk: string) {
    this.src = src;
    this.chunk = chunk;
    this.keywords = new Map();
    for (let i = 0; i < KEYWORDS.length; i++) this.keywords.set(KEYWORDS[i], T_AND + i);
  }

  error(msg: string, near: boolean): LuaSyntaxError {
    let m = this.chunk + ':' + this.line + ': ' + msg;
    if (near) m += ' near ' + this.tokenText();
    return new LuaSyntaxError(m);
  }

  /** Error at the current token's line (like luaX_syntaxerror). */
  syntaxError(msg: string): LuaSyntaxError {
    return new LuaSyntaxError(this.chunk + ':' + this.tokLine + ': ' + msg + ' near ' + this.tokenText());
  }

  tokenText(): string {
    const t = this.tok;
    if (t === T_EOF) return '<eof>';
    if (t === T_NAME || t === T_STRING || t === T_NUMBER) {
      return "'" + this.src.substring(this.tokStart, this.tokEnd) + "'";
    }
    return "'" + tokenName(t) + "'";
  }

  next(): void {
    this.lastLine = this.tokLine;
    if (this.ahead >= 0) {
      this.tok = this.ahead;
      this.sval = this.aSval;
      this.nval = this.aNval;
      this.tokLine = this.aLine;
      this.tokStart = this.aStart;
      this.tokEnd = this.aEnd;
      this.ahead = -1;
      return;
    }
    this.tok = this.scan();
    this.tokLine = this.line;
    this.tokEnd = this.pos;
  }

  peek(): number {
    if (this.ahead < 0) {
      const t = this.tok;
      const sv = this.sval;
      const nv = this.nval;
      const tl = this.tokLine;
      const ts = this.tokStart;
      this.ahead = this.scan();
      this.aSval = this.sval;
      this.aNval = this.nval;
      this.aLine = this.line;
      this.aStart = this.tokStart;
      this.aEnd = this.pos;
      this.tok = t;
      this.sval = sv;
      this.nval = nv;
      this.tokLine = tl;
      this.tokStart = ts;
    }
    return this.ahead;
  }

  private scan(): number {
    const src = this.src;
    const n = src.length;
    for (;;) {
      if (this.pos >= n) {
        this.tokStart = this.pos;
        return T_EOF;
      }
      const c = src.charCodeAt(this.pos);
      if (c === 10 || c === 13) {
        this.newline();
        continue;
      }
      if (c === 32 || c === 9 || c === 11 || c === 12) {
        this.pos++;
        continue;
      }
      this.tokStart = this.pos;
      if (c === 45) {
        // '-' or comment
        if (src.charCodeAt(this.pos + 1) !== 45) {
          this.pos++;
          return 45;
        }
        this.pos += 2;
        if (src.charCodeAt(this.pos) === 91) {
          const lvl = this.longBracketLevel();
          if (lvl >= 0) {
            this.readLong(lvl, false);
            continue;
          }
        }
        while (this.pos < n) {
          const d = src.charCodeAt(this.pos);
          if (d === 10 || d === 13) break;
          this.pos++;
        }
        continue;
      }
      if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) {
        let p = this.pos + 1;
        while (p < n) {
          const d = src.charCodeAt(p);
          if ((d >= 97 && d <= 122) || (d >= 65 && d <= 90) || d === 95 || (d >= 48 && d <= 57)) p++;
          else break;
        }
        const word = src.substring(this.pos, p);
        this.pos = p;
        const kw = this.keywords.get(word);
        if (typeof kw === 'number') return kw;
        this.sval = word;
        return T_NAME;
      }
      if (c >= 48 && c <= 57) return this.readNumber();
      switch (c) {
        case 91: {
          const lvl = this.longBracketLevel();
          if (lvl >= 0) {
            this.sval = this.readLong(lvl, true);
            return T_STRING;
          }
          if (lvl === -1) {
            this.pos++;
            return 91;
          }
          throw this.errorAt('invalid long string delimiter', this.tokStart);
        }
        case 61:
          return this.two(61, T_EQ);
        case 60:
          if (src.charCodeAt(this.pos + 1) === 60) {
            this.pos += 2;
            return T_SHL;
          }
          return this.two(61, T_LE);
        case 62:
          if (src.charCodeAt(this.pos + 1) === 62) {
            this.pos += 2;
            return T_SHR;
          }
          return this.two(61, T_GE);
        case 47:
          return this.two(47, T_IDIV);
        case 126:
          return this.two(61, T_NE);
        case 58:
          return this.two(58, T_DBCOLON);
        case 34:
        case 39:
          this.sval = this.readString(c);
          return T_STRING;
        case 46:
          if (src.charCodeAt(this.pos + 1) === 46) {
            if (src.charCodeAt(this.pos + 2) === 46) {
              this.pos += 3;
              return T_DOTS;
            }
            this.pos += 2;
            return T_CONCAT;
          }
          if (this.pos + 1 < n && src.charCodeAt(this.pos + 1) >= 48 && src.charCodeAt(this.pos + 1) <= 57) {
            return this.readNumber();
          }
          this.pos++;
          return 46;
        default:
          this.pos++;
          return c;
      }
    }
  }

  private two(second: number, tok: number): number {
    const c = this.src.charCodeAt(this.pos);
    if (this.src.charCodeAt(this.pos + 1) === second) {
      this.pos += 2;
      return tok;
    }
    this.pos++;
    return c;
  }

  private newline(): void {
    const c = this.src.charCodeAt(this.pos);
    this.pos++;
    const d = this.src.charCodeAt(this.pos);
    if ((d === 10 || d === 13) && d !== c) this.pos++;
    this.line++;
  }

  /** At '[': returns the level of a long bracket, -1 if just '[', -2 if malformed '[='. */
  private longBracketLevel(): number {
    let p = this.pos + 1;
    let lvl = 0;
    while (this.src.charCodeAt(p) === 61) {
      p++;
      lvl++;
    }
    if (this.src.charCodeAt(p) === 91) {
      this.pos = p + 1;
      return lvl;
    }
    return lvl === 0 ? -1 : -2;
  }

  private readLong(lvl: number, isString: boolean): string {
    const src = this.src;
    const n = src.length;
    const startLine = this.line;
    // skip first newline
    if (src.charCodeAt(this.pos) === 10 || src.charCodeAt(this.pos) === 13) this.newline();
    const parts: string[] = [];
    let segStart = this.pos;
    for (;;) {
      if (this.pos >= n) {
        const what = isString ? 'string' : 'comment';
        this.tok = T_EOF;
        throw new LuaSyntaxError(
          this.chunk + ':' + this.line + ': unfinished long ' + what + ' (starting at line ' + startLine + ') near <eof>',
        );
      }
      const c = src.charCodeAt(this.pos);
      if (c === 93) {
        let p = this.pos + 1;
        let l = 0;
        while (src.charCodeAt(p) === 61) {
          p++;
          l++;
        }
        if (l === lvl && src.charCodeAt(p) === 93) {
          parts.push(src.substring(segStart, this.pos));
          this.pos = p + 1;
          return parts.join('');
        }
        this.pos++;
      } else if (c === 10 || c === 13) {
        parts.push(src.substring(segStart, this.pos));
        parts.push('\n');
        this.newline();
        segStart = this.pos;
      } else this.pos++;
    }
  }

  private errorAt(msg: string, start: number): LuaSyntaxError {
    return new LuaSyntaxError(this.chunk + ':' + this.line + ': ' + msg + " near '" + this.src.substring(start, this.pos) + "'");
  }

  private readString(q: number): string {
    const src = this.src;
    const n = src.length;
    const start = this.pos;
    this.pos++;
    const parts: string[] = [];
    let seg = this.pos;
    for (;;) {
      if (this.pos >= n) {
        this.tok = T_EOF;
        throw new LuaSyntaxError(this.chunk + ':' + this.line + ': unfinished string near <eof>');
      }
      const c = src.charCodeAt(this.pos);
      if (c === q) {
        parts.push(src.substring(seg, this.pos));
        this.pos++;
        return parts.join('');
      }
      if (c === 10 || c === 13) throw this.errorAt('unfinished string', start);
      if (c !== 92) {
        this.pos++;
        continue;
      }
      parts.push(src.substring(seg, this.pos));
      this.pos++;
      const e = src.charCodeAt(this.pos);
      switch (e) {
        case 110: parts.push('\n'); this.pos++; break;
        case 116: parts.push('\t'); this.pos++; break;
        case 114: parts.push('\r'); this.pos++; break;
        case 97: parts.push('\x07'); this.pos++; break;
        case 98: parts.push('\b'); this.pos++; break;
        case 102: parts.push('\f'); this.pos++; break;
        case 118: parts.push('\v'); this.pos++; break;
        case 92: parts.push('\\'); this.pos++; break;
        case 34: parts.push('"'); this.pos++; break;
        case 39: parts.push("'"); this.pos++; break;
        case 10:
        case 13:
          parts.push('\n');
          this.newline();
          break;
        case 120: {
          // \xXX
          this.pos++;
          const h1 = hexVal(src.charCodeAt(this.pos));
          if (h1 < 0) {
            if (this.pos < n) this.pos++;
            throw this.errorAt('hexadecimal digit expected', start);
          }
          this.pos++;
          const h2 = hexVal(src.charCodeAt(this.pos));
          if (h2 < 0) {
            if (this.pos < n) this.pos++;
            throw this.errorAt('hexadecimal digit expected', start);
          }
          this.pos++;
          parts.push(String.fromCharCode(h1 * 16 + h2));
          break;
        }
        case 122: {
          // \z: skip whitespace
          this.pos++;
          while (this.pos < n) {
            const d = src.charCodeAt(this.pos);
            if (d === 10 || d === 13) this.newline();
            else if (d === 32 || (d >= 9 && d <= 13)) this.pos++;
            else break;
          }
          break;
        }
        case 117: {
          // \u{XXX}
          this.pos++;
          if (src.charCodeAt(this.pos) !== 123) {
            if (this.pos < n) this.pos++;
            throw this.errorAt("missing '{' in \\u{xxxx}", start);
          }
          this.pos++;
          let v = 0;
          let digits = 0;
          for (;;) {
            const h = hexVal(src.charCodeAt(this.pos));
            if (h < 0) break;
            v = v * 16 + h;
            digits++;
            if (v > 0x7fffffff) {
              this.pos++;
              throw this.errorAt('UTF-8 value too large', start);
            }
            this.pos++;
          }
          if (digits === 0) {
            if (this.pos < n) this.pos++;
            throw this.errorAt('hexadecimal digit expected', start);
          }
          if (src.charCodeAt(this.pos) !== 125) {
            if (this.pos < n) this.pos++;
            throw this.errorAt("missing '}' in \\u{xxxx}", start);
          }
          this.pos++;
          parts.push(utf8Encode(v));
          break;
        }
        default: {
          if (e >= 48 && e <= 57) {
            let v = 0;
            let k = 0;
            while (k < 3 && src.charCodeAt(this.pos) >= 48 && src.charCodeAt(this.pos) <= 57) {
              v = v * 10 + (src.charCodeAt(this.pos) - 48);
              this.pos++;
              k++;
            }
            if (v > 255) {
              if (this.pos < n) this.pos++;
              throw this.errorAt('decimal escape too large', start);
            }
            parts.push(String.fromCharCode(v));
            break;
          }
          if (this.pos < n) this.pos++;
          throw this.errorAt('invalid escape sequence', start);
        }
      }
      seg = this.pos;
    }
  }

  private readNumber(): number {
    const src = this.src;
    const start = this.pos;
    let expChar1 = 101;
    if (src.charCodeAt(this.pos) === 48 && (src.charCodeAt(this.pos + 1) | 32) === 120) {
      expChar1 = 112;
      this.pos += 2;
    }
    for (;;) {
      const c = src.charCodeAt(this.pos);
      if ((c | 32) === expChar1 && (src.charCodeAt(this.pos + 1) === 43 || src.charCodeAt(this.pos + 1) === 45)) {
        this.pos += 2;
        continue;
      }
      if ((c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 46) {
        this.pos++;
        continue;
      }
      break;
    }
    const text = src.substring(start, this.pos);
    const v = strToNumber(text);
    if (v === null) throw this.errorAt('malformed number', start);
    this.nval = v;
    return T_NUMBER;
  }
}

/** UTF-8 bytes (as a byte string) of a code point up to 2^31 (Lua's extended UTF-8). */
export function utf8Encode(x: number): string {
  if (x < 0x80) return String.fromCharCode(x);
  if (x < 0x800) return String.fromCharCode(0xc0 | (x >> 6), 0x80 | (x & 0x3f));
  if (x < 0x10000) return String.fromCharCode(0xe0 | (x >> 12), 0x80 | ((x >> 6) & 0x3f), 0x80 | (x & 0x3f));
  if (x < 0x200000)
    return String.fromCharCode(0xf0 | (x >> 18), 0x80 | ((x >> 12) & 0x3f), 0x80 | ((x >> 6) & 0x3f), 0x80 | (x & 0x3f));
  if (x < 0x4000000)
    return String.fromCharCode(
      0xf8 | (x >> 24), 0x80 | ((x >> 18) & 0x3f), 0x80 | ((x >> 12) & 0x3f), 0x80 | ((x >> 6) & 0x3f), 0x80 | (x & 0x3f),
    );
  return String.fromCharCode(
    0xfc | (x >> 30), 0x80 | ((x >> 24) & 0x3f), 0x80 | ((x >> 18) & 0x3f), 0x80 | ((x >> 12) & 0x3f),
    0x80 | ((x >> 6) & 0x3f), 0x80 | (x & 0x3f),
  );
}
