/** Personal data: detection, masking and the check-digit rules behind them. */
export { detectPersonalData, hasPersonalData, maskPersonalData, PERSONAL_DATA_KINDS, PERSONAL_DATA_LABELS, type PersonalDataKind, type PersonalDataOptions } from './detect.js';
export { dniLetter, isPersonalPhone, isValidCard, isValidDni, isValidIban, isValidNie } from './checks.js';
