/**
 * Int64 `i` of a little-endian int64 array viewed as 32-bit halves, as a number: no BigInt per value
 * (`Number(bigint64Array[i])` made one). The sum is rounded once, so it equals Number(BigInt) at any size.
 */
export const int64Number = (halves: Int32Array, i: number): number => (halves[2 * i] >>> 0) + halves[2 * i + 1] * 4_294_967_296;
