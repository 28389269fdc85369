/**
 * Types for dcmjs-writer.js: only what the lab uses of dcmjs 0.51.1.
 * A naturalized dataset maps DICOM keywords to values (strings for text VRs,
 * arrays for multi-valued ones, ArrayBuffer[] for pixel data) plus dcmjs'
 * own `_meta` (file meta information) and `_vrMap` (VR overrides) keys.
 */

export interface NaturalDataset {
  _meta?: { TransferSyntaxUID?: string; [keyword: string]: unknown };
  _vrMap?: Record<string, string>;
  [keyword: string]: unknown;
}

export function datasetToPart10(dataset: NaturalDataset): Buffer;
export function part10ToDataset(bytes: Uint8Array): NaturalDataset;
