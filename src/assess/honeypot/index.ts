/** The honeypot assessment: signals → score and level (observation/honeypot.ts), over the tables of this folder. */
export { assessService, HONEYPOT_ASSESSOR, serviceSignals, type HoneypotInput } from './assess.ts';
