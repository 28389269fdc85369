/** The honeypot assessment: signals → score and level (observation/honeypot.ts), and the tables it rests on. */
export { assessService, HONEYPOT_ASSESSOR, serviceSignals, SAME_DATASET_HOSTS, type HoneypotInput } from './assess.ts';
export { levelOf, SIGNAL_RULES, LIKELY_SCORE, POSSIBLE_SCORE } from './signals.ts';
export { HONEYPOT_PERSONAS, honeypotPersona, identityContradiction } from './personas.ts';
