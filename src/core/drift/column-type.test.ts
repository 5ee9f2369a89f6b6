import { describe, expect, it } from 'vitest';
import { evidentlyColumnType, type PandasDtype } from './column-type.ts';

const side = (dtype: PandasDtype, unique: number) => ({ dtype, unique });

describe("Evidently's column type (_get_column_type)", () => {
  it('types int64 with at most 5 distinct reference values as categorical, with 6 as numerical', () => {
    expect(evidentlyColumnType(side('int64', 5), side('int64', 9))).toBe('categorical');
    expect(evidentlyColumnType(side('int64', 6), side('int64', 2))).toBe('numerical');
  });

  it("counts the current's values only when the reference has none (Python `or`)", () => {
    expect(evidentlyColumnType(side('int64', 0), side('int64', 3))).toBe('categorical');
    expect(evidentlyColumnType(side('int64', 0), side('int64', 7))).toBe('numerical');
  });

  it('keeps float64 numerical whatever its count: an integer column with a missing value', () => {
    expect(evidentlyColumnType(side('float64', 3), side('float64', 3))).toBe('numerical');
  });

  it("looks at the current's dtype when both are numbers, as Evidently does", () => {
    expect(evidentlyColumnType(side('float64', 3), side('int64', 3))).toBe('categorical');
    expect(evidentlyColumnType(side('int64', 3), side('float64', 3))).toBe('numerical');
  });

  it("takes the reference's dtype when one side is not a number or a time", () => {
    expect(evidentlyColumnType(side('int64', 3), side('object', 3))).toBe('categorical');
    expect(evidentlyColumnType(side('object', 3), side('float64', 3))).toBe('categorical');
    expect(evidentlyColumnType(side('bool', 2), side('int64', 2))).toBe('categorical');
  });

  it('types booleans and text as categorical, dates as datetime', () => {
    expect(evidentlyColumnType(side('bool', 2), side('bool', 2))).toBe('categorical');
    expect(evidentlyColumnType(side('object', 40), side('object', 40))).toBe('categorical');
    expect(evidentlyColumnType(side('datetime64', 9), side('datetime64', 9))).toBe('datetime');
    expect(evidentlyColumnType(side('other', 1), side('other', 1))).toBe('other');
  });
});
