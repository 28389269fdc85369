// Thin ES-module bridge to dcmjs, which ships no TypeScript types. Its types live
// next to it in dcmjs-writer.d.ts, scoped to this file rather than declared
// globally for 'dcmjs', so other folders can type the parts they use their own way.
import dcmjs from 'dcmjs';

// setLevel, not assigning .level: the logger ignores a plain assignment.
dcmjs.log.setLevel('error');

/** Encodes a naturalized dataset (keyword → value, with _meta and _vrMap) as a Part-10 file. */
export function datasetToPart10(dataset) {
  return dcmjs.data.datasetToBuffer(dataset);
}

/** Decodes a Part-10 file into a naturalized dataset (used by tests to check what was written). */
export function part10ToDataset(bytes) {
  const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const file = dcmjs.data.DicomMessage.readFile(arrayBuffer);
  const dataset = dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.dict);
  dataset._meta = dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.meta);
  return dataset;
}
