/**
 * Wording of the timetable answers in the five languages.
 */
import type { Language } from '../../../core/message.js';

export interface GtfsTexts {
  header(stop: string): string;
  /** The departures are on a later day: nothing more runs today. */
  laterHeader(stop: string, date: string): string;
  every(minutes: number): string;
  footer: string;
  outOfDate(stop: string, start: string, end: string, url: string | undefined): string;
  notYetValid(stop: string, start: string, end: string, url: string | undefined): string;
  none(stop: string): string;
  whichStop: string;
  /** The text a choice sends back: it names the stop exactly, so it matches on its own. */
  choicePayload(stop: string): string;
}

const link = (prefix: string, url: string | undefined): string => (url === undefined ? '' : ` ${prefix} ${url}`);

export const GTFS_TEXTS: Record<Language, GtfsTexts> = {
  es: {
    header: (stop) => `Próximas salidas desde ${stop}:`,
    laterHeader: (stop, date) => `Hoy ya no hay más salidas desde ${stop}. Las próximas, el ${date}:`,
    every: (minutes) => ` (cada ${minutes} min)`,
    footer: 'Horario programado: puede variar.',
    outOfDate: (stop, start, end, url) =>
      `El horario que tengo para ${stop} está desactualizado (era válido del ${start} al ${end}), así que no puedo darte las próximas salidas.${link('Consulta el horario vigente en', url)}`,
    notYetValid: (stop, start, end, url) =>
      `El horario que tengo para ${stop} aún no está en vigor (es válido del ${start} al ${end}), así que no puedo darte las próximas salidas.${link('Consulta el horario vigente en', url)}`,
    none: (stop) => `No encuentro salidas programadas desde ${stop} en los próximos días.`,
    whichStop: '¿Qué parada quieres decir?',
    choicePayload: (stop) => `Próximas salidas desde ${stop}`,
  },
  ca: {
    header: (stop) => `Properes sortides des de ${stop}:`,
    laterHeader: (stop, date) => `Avui ja no hi ha més sortides des de ${stop}. Les properes, el ${date}:`,
    every: (minutes) => ` (cada ${minutes} min)`,
    footer: 'Horari programat: pot variar.',
    outOfDate: (stop, start, end, url) =>
      `L'horari que tinc per a ${stop} està desactualitzat (era vàlid del ${start} al ${end}), així que no et puc donar les properes sortides.${link("Consulta l'horari vigent a", url)}`,
    notYetValid: (stop, start, end, url) =>
      `L'horari que tinc per a ${stop} encara no és vigent (és vàlid del ${start} al ${end}), així que no et puc donar les properes sortides.${link("Consulta l'horari vigent a", url)}`,
    none: (stop) => `No trobo sortides programades des de ${stop} els propers dies.`,
    whichStop: 'Quina parada vols dir?',
    choicePayload: (stop) => `Properes sortides des de ${stop}`,
  },
  gl: {
    header: (stop) => `Próximas saídas desde ${stop}:`,
    laterHeader: (stop, date) => `Hoxe xa non hai máis saídas desde ${stop}. As próximas, o ${date}:`,
    every: (minutes) => ` (cada ${minutes} min)`,
    footer: 'Horario programado: pode variar.',
    outOfDate: (stop, start, end, url) =>
      `O horario que teño para ${stop} está desactualizado (era válido do ${start} ao ${end}), así que non che podo dar as próximas saídas.${link('Consulta o horario vixente en', url)}`,
    notYetValid: (stop, start, end, url) =>
      `O horario que teño para ${stop} aínda non está en vigor (é válido do ${start} ao ${end}), así que non che podo dar as próximas saídas.${link('Consulta o horario vixente en', url)}`,
    none: (stop) => `Non atopo saídas programadas desde ${stop} nos próximos días.`,
    whichStop: 'Que parada queres dicir?',
    choicePayload: (stop) => `Próximas saídas desde ${stop}`,
  },
  eu: {
    // Stop names and dates go after a colon or in brackets so they need no case ending.
    header: (stop) => `Hurrengo irteerak (${stop}):`,
    laterHeader: (stop, date) => `Gaur ez dago irteera gehiagorik (${stop}). Hurrengoak (${date}):`,
    every: (minutes) => ` (${minutes} minuturo)`,
    footer: 'Ordutegi programatua: alda daiteke.',
    outOfDate: (stop, start, end, url) =>
      `Daukadan ordutegia (${stop}) ez dago eguneratuta (${start} – ${end} bitartean zen baliozkoa); beraz, ezin dizkizut hurrengo irteerak eman.${link('Begiratu ordutegi eguneratua hemen:', url)}`,
    notYetValid: (stop, start, end, url) =>
      `Daukadan ordutegia (${stop}) ez dago oraindik indarrean (${start} – ${end}); beraz, ezin dizkizut hurrengo irteerak eman.${link('Begiratu ordutegi eguneratua hemen:', url)}`,
    none: (stop) => `Ez dut irteera programaturik aurkitu hurrengo egunetarako (${stop}).`,
    whichStop: 'Zein geltoki esan nahi duzu?',
    choicePayload: (stop) => `Hurrengo irteerak: ${stop}`,
  },
  en: {
    header: (stop) => `Next departures from ${stop}:`,
    laterHeader: (stop, date) => `No more departures from ${stop} today. The next ones, on ${date}:`,
    every: (minutes) => ` (every ${minutes} min)`,
    footer: 'Scheduled times: they may change.',
    outOfDate: (stop, start, end, url) =>
      `The timetable I have for ${stop} is out of date (it was valid from ${start} to ${end}), so I can't give you the next departures.${link('Check the current timetable at', url)}`,
    notYetValid: (stop, start, end, url) =>
      `The timetable I have for ${stop} is not in force yet (it is valid from ${start} to ${end}), so I can't give you the next departures.${link('Check the current timetable at', url)}`,
    none: (stop) => `I can't find scheduled departures from ${stop} in the next few days.`,
    whichStop: 'Which stop do you mean?',
    choicePayload: (stop) => `Next departures from ${stop}`,
  },
};
