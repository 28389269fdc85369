/**
 * The small part of dcmjs 0.51.1 (no bundled types) that encode.ts uses.
 * Only encode.ts imports 'dcmjs'; everything else goes through its wrapper.
 * Checked against node_modules/dcmjs/build/dcmjs.es.js.
 */
declare module 'dcmjs' {
  export type DcmjsLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';

  /** loglevel, bundled inside dcmjs. */
  export interface DcmjsLogger {
    setLevel(level: DcmjsLogLevel): void;
    getLogger(name: string): DcmjsLogger;
  }

  /** An element of the "denaturalized" JSON dataset form DicomMessage.write takes, keyed by 8 hex digits. */
  export interface DcmjsElement {
    vr: string;
    Value: Array<string | number | ArrayBuffer | DcmjsDict>;
  }
  export type DcmjsDict = Record<string, DcmjsElement>;

  export interface DcmjsWriteBufferStream {
    readonly size: number;
    getBuffer(start?: number, end?: number): ArrayBuffer;
  }

  export interface DcmjsData {
    WriteBufferStream: new (defaultSize?: number, littleEndian?: boolean) => DcmjsWriteBufferStream;
    DicomMessage: {
      /** Writes the elements of `dict` in tag order, without a Part-10 header; returns bytes written. */
      write(dict: DcmjsDict, stream: DcmjsWriteBufferStream, transferSyntaxUid: string, writeOptions: Record<string, never>): number;
    };
  }

  const dcmjs: {
    readonly data: DcmjsData;
    readonly log: DcmjsLogger;
  };
  export default dcmjs;
}
