/**
 * PS3.8 9.3.5.1 Presentation Data Value Item, as carried in a P-DATA-TF PDU.
 * The message control header (PS3.8 Annex E.2) is decoded into its two bits.
 */
export interface PresentationDataValue {
  /** Odd integer 1..255 naming the negotiated presentation context. */
  readonly contextId: number;
  /** Bit 0 of the message control header: command (true) or data set (false). */
  readonly isCommand: boolean;
  /** Bit 1 of the message control header: last fragment of the command or data set. */
  readonly isLast: boolean;
  readonly data: Buffer;
}
