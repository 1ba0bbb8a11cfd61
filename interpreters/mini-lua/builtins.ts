// The builtin registry: every TypeScript-implemented Lua function has a numeric id;
// LuaBuiltin objects carry the id and callBuiltin() dispatches on it (a switch instead of
// function values, which the restricted subset does not have).
// Ids below FIRST_PLAIN are handled by the VM itself (they switch frames or threads).

import type { LuaValue } from './value.js';
import { LuaBuiltin } from './value.js';
import type { LuaState } from './state.js';
import * as base from './lib_base.js';
import * as str from './lib_string.js';
import * as tab from './lib_table.js';
import * as mth from './lib_math.js';
import * as osio from './lib_os.js';
import * as co from './lib_coro.js';
import * as utf from './lib_utf8.js';
import * as dbg from './lib_debug.js';

export const ID_PCALL = 1;
export const ID_XPCALL = 2;
export const ID_COROUTINE_RESUME = 3;
export const ID_COROUTINE_YIELD = 4;
export const ID_WRAP = 5;
// pairs is special so that a Lua __pairs metamethod can yield
export const ID_PAIRS = 6;
export const ID_PRINT = 10;
export const ID_TYPE = 11;
export const ID_TOSTRING = 12;
export const ID_TONUMBER = 13;
export const ID_IPAIRS = 14;
export const ID_IPAIRS_ITER = 15;
export const ID_NEXT = 17;
export const ID_SELECT = 18;
export const ID_RAWGET = 19;
export const ID_RAWSET = 20;
export const ID_RAWEQUAL = 21;
export const ID_RAWLEN = 22;
export const ID_SETMETATABLE = 23;
export const ID_GETMETATABLE = 24;
export const ID_ASSERT = 25;
export const ID_ERROR = 26;
export const ID_LOAD = 27;
export const ID_DOFILE = 28;
export const ID_REQUIRE = 29;
export const ID_COLLECTGARBAGE = 30;
export const ID_STRING_LEN = 31;
export const ID_STRING_SUB = 32;
export const ID_STRING_UPPER = 33;
export const ID_STRING_LOWER = 34;
export const ID_STRING_REP = 35;
export const ID_STRING_REVERSE = 36;
export const ID_STRING_BYTE = 37;
export const ID_STRING_CHAR = 38;
export const ID_STRING_FORMAT = 39;
export const ID_STRING_FIND = 40;
export const ID_STRING_MATCH = 41;
export const ID_STRING_GMATCH = 42;
export const ID_GMATCH_ITER = 43;
export const ID_STRING_GSUB = 44;
export const ID_STRING_PACK = 45;
export const ID_STRING_UNPACK = 46;
export const ID_STRING_PACKSIZE = 47;
export const ID_TABLE_INSERT = 48;
export const ID_TABLE_REMOVE = 49;
export const ID_TABLE_CONCAT = 50;
export const ID_TABLE_UNPACK = 51;
export const ID_TABLE_PACK = 52;
export const ID_TABLE_SORT = 53;
export const ID_TABLE_MOVE = 54;
export const ID_MATH_FLOOR = 55;
export const ID_MATH_CEIL = 56;
export const ID_MATH_ABS = 57;
export const ID_MATH_SQRT = 58;
export const ID_MATH_SIN = 59;
export const ID_MATH_COS = 60;
export const ID_MATH_TAN = 61;
export const ID_MATH_ASIN = 62;
export const ID_MATH_ACOS = 63;
export const ID_MATH_ATAN = 64;
export const ID_MATH_EXP = 65;
export const ID_MATH_LOG = 66;
export const ID_MATH_FMOD = 67;
export const ID_MATH_MODF = 68;
export const ID_MATH_TOINTEGER = 69;
export const ID_MATH_TYPE = 70;
export const ID_MATH_RANDOM = 71;
export const ID_MATH_RANDOMSEED = 72;
export const ID_MATH_MAX = 73;
export const ID_MATH_MIN = 74;
export const ID_MATH_ULT = 75;
export const ID_OS_CLOCK = 76;
export const ID_OS_TIME = 77;
export const ID_OS_DATE = 78;
export const ID_OS_GETENV = 79;
export const ID_OS_EXIT = 80;
export const ID_OS_REMOVE = 81;
export const ID_OS_RENAME = 82;
export const ID_OS_TMPNAME = 83;
export const ID_OS_DIFFTIME = 84;
export const ID_IO_WRITE = 85;
export const ID_IO_READ = 86;
export const ID_IO_LINES = 87;
export const ID_IO_OPEN = 88;
export const ID_IO_CLOSE = 89;
export const ID_IO_OUTPUT = 90;
export const ID_IO_INPUT = 91;
export const ID_IO_TYPE = 92;
export const ID_LINES_ITER = 93;
export const ID_FILE_READ = 94;
export const ID_FILE_WRITE = 95;
export const ID_FILE_LINES = 96;
export const ID_FILE_CLOSE = 97;
export const ID_FILE_FLUSH = 98;
export const ID_FILE_SEEK = 99;
export const ID_FILE_SETVBUF = 100;
export const ID_FILE_TOSTRING = 101;
export const ID_COROUTINE_CREATE = 102;
export const ID_COROUTINE_STATUS = 103;
export const ID_COROUTINE_WRAP = 104;
export const ID_COROUTINE_ISYIELDABLE = 105;
export const ID_COROUTINE_RUNNING = 106;
export const ID_COROUTINE_CLOSE = 107;
export const ID_UTF8_CHAR = 108;
export const ID_UTF8_CODEPOINT = 109;
export const ID_UTF8_LEN = 110;
export const ID_UTF8_OFFSET = 111;
export const ID_UTF8_CODES = 112;
export const ID_UTF8_CODES_ITER = 113;
export const ID_DEBUG_TRACEBACK = 114;
export const ID_DEBUG_GETINFO = 115;
export const ID_DEBUG_SETHOOK = 116;
export const ID_DEBUG_GETHOOK = 117;
export const ID_DEBUG_GETMETATABLE = 118;
export const ID_DEBUG_SETMETATABLE = 119;
export const ID_DEBUG_GETLOCAL = 120;
export const ID_DEBUG_GETUPVALUE = 121;
export const ID_DEBUG_SETUPVALUE = 122;
export const ID_DEBUG_UPVALUEID = 123;
export const ID_DEBUG_UPVALUEJOIN = 124;
export const ID_OS_SETLOCALE = 125;
export const ID_MATH_DEG = 126;
export const ID_MATH_RAD = 127;
export const ID_FILE_GC = 128;
export const ID_DEBUG_GETUSERVALUE = 129;
export const ID_DEBUG_SETUSERVALUE = 130;
export const ID_STRING_DUMP = 131;
export const ID_LOADFILE = 132;
export const FIRST_PLAIN = 10;
export const ID_RESUME = ID_COROUTINE_RESUME;
export const ID_YIELD = ID_COROUTINE_YIELD;
export const ID_WRAPCALL = ID_WRAP;

/** [id, qualified name] of the builtins that are installed as library fields. */
export const LIB_FUNCS: string[] = [
  'pcall',
  'xpcall',
  'coroutine.resume',
  'coroutine.yield',
  '(wrap)',
  'print',
  'type',
  'tostring',
  'tonumber',
  'ipairs',
  '(ipairs_iter)',
  'pairs',
  'next',
  'select',
  'rawget',
  'rawset',
  'rawequal',
  'rawlen',
  'setmetatable',
  'getmetatable',
  'assert',
  'error',
  'load',
  'dofile',
  'require',
  'collectgarbage',
  'string.len',
  'string.sub',
  'string.upper',
  'string.lower',
  'string.rep',
  'string.reverse',
  'string.byte',
  'string.char',
  'string.format',
  'string.find',
  'string.match',
  'string.gmatch',
  '(gmatch_iter)',
  'string.gsub',
  'string.pack',
  'string.unpack',
  'string.packsize',
  'table.insert',
  'table.remove',
  'table.concat',
  'table.unpack',
  'table.pack',
  'table.sort',
  'table.move',
  'math.floor',
  'math.ceil',
  'math.abs',
  'math.sqrt',
  'math.sin',
  'math.cos',
  'math.tan',
  'math.asin',
  'math.acos',
  'math.atan',
  'math.exp',
  'math.log',
  'math.fmod',
  'math.modf',
  'math.tointeger',
  'math.type',
  'math.random',
  'math.randomseed',
  'math.max',
  'math.min',
  'math.ult',
  'os.clock',
  'os.time',
  'os.date',
  'os.getenv',
  'os.exit',
  'os.remove',
  'os.rename',
  'os.tmpname',
  'os.difftime',
  'io.write',
  'io.read',
  'io.lines',
  'io.open',
  'io.close',
  'io.output',
  'io.input',
  'io.type',
  '(lines_iter)',
  '(file_read)',
  '(file_write)',
  '(file_lines)',
  '(file_close)',
  '(file_flush)',
  '(file_seek)',
  '(file_setvbuf)',
  '(file_tostring)',
  'coroutine.create',
  'coroutine.status',
  'coroutine.wrap',
  'coroutine.isyieldable',
  'coroutine.running',
  'coroutine.close',
  'utf8.char',
  'utf8.codepoint',
  'utf8.len',
  'utf8.offset',
  'utf8.codes',
  '(utf8_codes_iter)',
  'debug.traceback',
  'debug.getinfo',
  'debug.sethook',
  'debug.gethook',
  'debug.getmetatable',
  'debug.setmetatable',
  'debug.getlocal',
  'debug.getupvalue',
  'debug.setupvalue',
  'debug.upvalueid',
  'debug.upvaluejoin',
  'os.setlocale',
  'math.deg',
  'math.rad',
  '(file_gc)',
  'debug.getuservalue',
  'debug.setuservalue',
  'string.dump',
  'loadfile',
];
export const LIB_IDS: number[] = [1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 6, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132];

export function callBuiltin(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  L.curBuiltin = f;
  switch (f.id) {
    case 10 /* ID_PRINT */: return base.b_print(L, f, R, b, n);
    case 11 /* ID_TYPE */: return base.b_type(L, f, R, b, n);
    case 12 /* ID_TOSTRING */: return base.b_tostring(L, f, R, b, n);
    case 13 /* ID_TONUMBER */: return base.b_tonumber(L, f, R, b, n);
    case 14 /* ID_IPAIRS */: return base.b_ipairs(L, f, R, b, n);
    case 15 /* ID_IPAIRS_ITER */: return base.b_ipairs_iter(L, f, R, b, n);
    case 6 /* ID_PAIRS */: return base.b_pairs(L, f, R, b, n);
    case 17 /* ID_NEXT */: return base.b_next(L, f, R, b, n);
    case 18 /* ID_SELECT */: return base.b_select(L, f, R, b, n);
    case 19 /* ID_RAWGET */: return base.b_rawget(L, f, R, b, n);
    case 20 /* ID_RAWSET */: return base.b_rawset(L, f, R, b, n);
    case 21 /* ID_RAWEQUAL */: return base.b_rawequal(L, f, R, b, n);
    case 22 /* ID_RAWLEN */: return base.b_rawlen(L, f, R, b, n);
    case 23 /* ID_SETMETATABLE */: return base.b_setmetatable(L, f, R, b, n);
    case 24 /* ID_GETMETATABLE */: return base.b_getmetatable(L, f, R, b, n);
    case 25 /* ID_ASSERT */: return base.b_assert(L, f, R, b, n);
    case 26 /* ID_ERROR */: return base.b_error(L, f, R, b, n);
    case 27 /* ID_LOAD */: return base.b_load(L, f, R, b, n);
    case 28 /* ID_DOFILE */: return base.b_dofile(L, f, R, b, n);
    case 29 /* ID_REQUIRE */: return base.b_require(L, f, R, b, n);
    case 30 /* ID_COLLECTGARBAGE */: return base.b_collectgarbage(L, f, R, b, n);
    case 31 /* ID_STRING_LEN */: return str.s_len(L, f, R, b, n);
    case 32 /* ID_STRING_SUB */: return str.s_sub(L, f, R, b, n);
    case 33 /* ID_STRING_UPPER */: return str.s_upper(L, f, R, b, n);
    case 34 /* ID_STRING_LOWER */: return str.s_lower(L, f, R, b, n);
    case 35 /* ID_STRING_REP */: return str.s_rep(L, f, R, b, n);
    case 36 /* ID_STRING_REVERSE */: return str.s_reverse(L, f, R, b, n);
    case 37 /* ID_STRING_BYTE */: return str.s_byte(L, f, R, b, n);
    case 38 /* ID_STRING_CHAR */: return str.s_char(L, f, R, b, n);
    case 39 /* ID_STRING_FORMAT */: return str.s_format(L, f, R, b, n);
    case 40 /* ID_STRING_FIND */: return str.s_find(L, f, R, b, n);
    case 41 /* ID_STRING_MATCH */: return str.s_match(L, f, R, b, n);
    case 42 /* ID_STRING_GMATCH */: return str.s_gmatch(L, f, R, b, n);
    case 43 /* ID_GMATCH_ITER */: return str.s_gmatch_iter(L, f, R, b, n);
    case 44 /* ID_STRING_GSUB */: return str.s_gsub(L, f, R, b, n);
    case 45 /* ID_STRING_PACK */: return str.s_pack(L, f, R, b, n);
    case 46 /* ID_STRING_UNPACK */: return str.s_unpack(L, f, R, b, n);
    case 47 /* ID_STRING_PACKSIZE */: return str.s_packsize(L, f, R, b, n);
    case 48 /* ID_TABLE_INSERT */: return tab.t_insert(L, f, R, b, n);
    case 49 /* ID_TABLE_REMOVE */: return tab.t_remove(L, f, R, b, n);
    case 50 /* ID_TABLE_CONCAT */: return tab.t_concat(L, f, R, b, n);
    case 51 /* ID_TABLE_UNPACK */: return tab.t_unpack(L, f, R, b, n);
    case 52 /* ID_TABLE_PACK */: return tab.t_pack(L, f, R, b, n);
    case 53 /* ID_TABLE_SORT */: return tab.t_sort(L, f, R, b, n);
    case 54 /* ID_TABLE_MOVE */: return tab.t_move(L, f, R, b, n);
    case 55 /* ID_MATH_FLOOR */: return mth.m_floor(L, f, R, b, n);
    case 56 /* ID_MATH_CEIL */: return mth.m_ceil(L, f, R, b, n);
    case 57 /* ID_MATH_ABS */: return mth.m_abs(L, f, R, b, n);
    case 58 /* ID_MATH_SQRT */: return mth.m_sqrt(L, f, R, b, n);
    case 59 /* ID_MATH_SIN */: return mth.m_sin(L, f, R, b, n);
    case 60 /* ID_MATH_COS */: return mth.m_cos(L, f, R, b, n);
    case 61 /* ID_MATH_TAN */: return mth.m_tan(L, f, R, b, n);
    case 62 /* ID_MATH_ASIN */: return mth.m_asin(L, f, R, b, n);
    case 63 /* ID_MATH_ACOS */: return mth.m_acos(L, f, R, b, n);
    case 64 /* ID_MATH_ATAN */: return mth.m_atan(L, f, R, b, n);
    case 65 /* ID_MATH_EXP */: return mth.m_exp(L, f, R, b, n);
    case 66 /* ID_MATH_LOG */: return mth.m_log(L, f, R, b, n);
    case 67 /* ID_MATH_FMOD */: return mth.m_fmod(L, f, R, b, n);
    case 68 /* ID_MATH_MODF */: return mth.m_modf(L, f, R, b, n);
    case 69 /* ID_MATH_TOINTEGER */: return mth.m_tointeger(L, f, R, b, n);
    case 70 /* ID_MATH_TYPE */: return mth.m_type(L, f, R, b, n);
    case 71 /* ID_MATH_RANDOM */: return mth.m_random(L, f, R, b, n);
    case 72 /* ID_MATH_RANDOMSEED */: return mth.m_randomseed(L, f, R, b, n);
    case 73 /* ID_MATH_MAX */: return mth.m_max(L, f, R, b, n);
    case 74 /* ID_MATH_MIN */: return mth.m_min(L, f, R, b, n);
    case 75 /* ID_MATH_ULT */: return mth.m_ult(L, f, R, b, n);
    case 76 /* ID_OS_CLOCK */: return osio.os_clock(L, f, R, b, n);
    case 77 /* ID_OS_TIME */: return osio.os_time(L, f, R, b, n);
    case 78 /* ID_OS_DATE */: return osio.os_date(L, f, R, b, n);
    case 79 /* ID_OS_GETENV */: return osio.os_getenv(L, f, R, b, n);
    case 80 /* ID_OS_EXIT */: return osio.os_exit(L, f, R, b, n);
    case 81 /* ID_OS_REMOVE */: return osio.os_remove(L, f, R, b, n);
    case 82 /* ID_OS_RENAME */: return osio.os_rename(L, f, R, b, n);
    case 83 /* ID_OS_TMPNAME */: return osio.os_tmpname(L, f, R, b, n);
    case 84 /* ID_OS_DIFFTIME */: return osio.os_difftime(L, f, R, b, n);
    case 85 /* ID_IO_WRITE */: return osio.io_write(L, f, R, b, n);
    case 86 /* ID_IO_READ */: return osio.io_read(L, f, R, b, n);
    case 87 /* ID_IO_LINES */: return osio.io_lines(L, f, R, b, n);
    case 88 /* ID_IO_OPEN */: return osio.io_open(L, f, R, b, n);
    case 89 /* ID_IO_CLOSE */: return osio.io_close(L, f, R, b, n);
    case 90 /* ID_IO_OUTPUT */: return osio.io_output(L, f, R, b, n);
    case 91 /* ID_IO_INPUT */: return osio.io_input(L, f, R, b, n);
    case 92 /* ID_IO_TYPE */: return osio.io_type(L, f, R, b, n);
    case 93 /* ID_LINES_ITER */: return osio.lines_iter(L, f, R, b, n);
    case 94 /* ID_FILE_READ */: return osio.file_read(L, f, R, b, n);
    case 95 /* ID_FILE_WRITE */: return osio.file_write(L, f, R, b, n);
    case 96 /* ID_FILE_LINES */: return osio.file_lines(L, f, R, b, n);
    case 97 /* ID_FILE_CLOSE */: return osio.file_close(L, f, R, b, n);
    case 98 /* ID_FILE_FLUSH */: return osio.file_flush(L, f, R, b, n);
    case 99 /* ID_FILE_SEEK */: return osio.file_seek(L, f, R, b, n);
    case 100 /* ID_FILE_SETVBUF */: return osio.file_setvbuf(L, f, R, b, n);
    case 101 /* ID_FILE_TOSTRING */: return osio.file_tostring(L, f, R, b, n);
    case 102 /* ID_COROUTINE_CREATE */: return co.co_create(L, f, R, b, n);
    case 103 /* ID_COROUTINE_STATUS */: return co.co_status(L, f, R, b, n);
    case 104 /* ID_COROUTINE_WRAP */: return co.co_wrap(L, f, R, b, n);
    case 105 /* ID_COROUTINE_ISYIELDABLE */: return co.co_isyieldable(L, f, R, b, n);
    case 106 /* ID_COROUTINE_RUNNING */: return co.co_running(L, f, R, b, n);
    case 107 /* ID_COROUTINE_CLOSE */: return co.co_close(L, f, R, b, n);
    case 108 /* ID_UTF8_CHAR */: return utf.u_char(L, f, R, b, n);
    case 109 /* ID_UTF8_CODEPOINT */: return utf.u_codepoint(L, f, R, b, n);
    case 110 /* ID_UTF8_LEN */: return utf.u_len(L, f, R, b, n);
    case 111 /* ID_UTF8_OFFSET */: return utf.u_offset(L, f, R, b, n);
    case 112 /* ID_UTF8_CODES */: return utf.u_codes(L, f, R, b, n);
    case 113 /* ID_UTF8_CODES_ITER */: return utf.u_codes_iter(L, f, R, b, n);
    case 114 /* ID_DEBUG_TRACEBACK */: return dbg.d_traceback(L, f, R, b, n);
    case 115 /* ID_DEBUG_GETINFO */: return dbg.d_getinfo(L, f, R, b, n);
    case 116 /* ID_DEBUG_SETHOOK */: return dbg.d_sethook(L, f, R, b, n);
    case 117 /* ID_DEBUG_GETHOOK */: return dbg.d_gethook(L, f, R, b, n);
    case 118 /* ID_DEBUG_GETMETATABLE */: return dbg.d_getmetatable(L, f, R, b, n);
    case 119 /* ID_DEBUG_SETMETATABLE */: return dbg.d_setmetatable(L, f, R, b, n);
    case 120 /* ID_DEBUG_GETLOCAL */: return dbg.d_getlocal(L, f, R, b, n);
    case 121 /* ID_DEBUG_GETUPVALUE */: return dbg.d_getupvalue(L, f, R, b, n);
    case 122 /* ID_DEBUG_SETUPVALUE */: return dbg.d_setupvalue(L, f, R, b, n);
    case 123 /* ID_DEBUG_UPVALUEID */: return dbg.d_upvalueid(L, f, R, b, n);
    case 124 /* ID_DEBUG_UPVALUEJOIN */: return dbg.d_upvaluejoin(L, f, R, b, n);
    case 125 /* ID_OS_SETLOCALE */: return osio.os_setlocale(L, f, R, b, n);
    case 126 /* ID_MATH_DEG */: return mth.m_deg(L, f, R, b, n);
    case 127 /* ID_MATH_RAD */: return mth.m_rad(L, f, R, b, n);
    case 128 /* ID_FILE_GC */: return osio.file_gc(L, f, R, b, n);
    case 129 /* ID_DEBUG_GETUSERVALUE */: return dbg.d_getuservalue(L, f, R, b, n);
    case 130 /* ID_DEBUG_SETUSERVALUE */: return dbg.d_setuservalue(L, f, R, b, n);
    case 131 /* ID_STRING_DUMP */: return str.s_dump(L, f, R, b, n);
    case 132 /* ID_LOADFILE */: return base.b_loadfile(L, f, R, b, n);
    default: return 0;
  }
}

export function makeBuiltin(id: number, name: string): LuaBuiltin {
  return new LuaBuiltin(id, name, null, null);
}
