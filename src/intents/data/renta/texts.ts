/**
 * Wording of the tax-calendar answers in the five languages. Dates arrive already formatted for
 * the language; each function returns the long answer and its `short` variant.
 */
import type { Language } from '../../../core/message.js';

export interface Worded {
  readonly text: string;
  readonly short: string;
}

export interface CampaignWords {
  /** Tax year, already with the language's suffix where needed (Basque `2025eko`). */
  readonly year: string;
  readonly start: string;
  readonly end: string;
  readonly debitEnd: string;
  readonly url: string;
}

export interface WindowWords {
  readonly requestsFrom: string;
  readonly requestsUntil: string;
  readonly serviceFrom: string;
  readonly serviceUntil: string;
}

export type Phase = 'before' | 'during' | 'after';

/** The tax year `offset` years after the campaign's (the next campaign runs in the year after its tax year). */
function next(c: CampaignWords, offset = 1): string {
  const year = Number.parseInt(c.year, 10);
  return Number.isFinite(year) ? String(year + offset) : c.year;
}
export type RequestState = 'upcoming' | 'open' | 'closed';

export interface RentaTexts {
  plazos(phase: Phase, debitOpen: boolean, c: CampaignWords): Worded;
  pago(phase: Phase, debitOpen: boolean, c: CampaignWords): Worded;
  citaPhone(state: RequestState, w: WindowWords): string;
  citaInPerson(state: RequestState, w: WindowWords): string;
  citaFooter(url: string, automatic: string, personal: string): string;
  citaShort(url: string, automatic: string): string;
  /** Appended where the answer may not apply to everybody (foral tax regimes). */
  readonly note?: string;
}

export const RENTA_TEXTS: Record<Language, RentaTexts> = {
  es: {
    plazos(phase, debitOpen, c) {
      if (phase === 'before') {
        return {
          text: `La campaña de la Renta ${c.year} empieza el ${c.start} y termina el ${c.end}. Podrás presentarla por internet (Renta WEB o la app de la Agencia Tributaria): ${c.url}`,
          short: `Renta ${c.year}: empieza el ${c.start}. ${c.url}`,
        };
      }
      if (phase === 'during') {
        const debit = debitOpen
          ? ` Si te sale a pagar y quieres domiciliar el pago, tienes hasta el ${c.debitEnd}.`
          : ` El plazo para domiciliar el pago terminó el ${c.debitEnd}.`;
        return {
          text: `La campaña de la Renta ${c.year} está abierta hasta el ${c.end}.${debit} Puedes presentarla en Renta WEB o en la app de la Agencia Tributaria: ${c.url}`,
          short: `Renta ${c.year}: abierta hasta el ${c.end}. ${c.url}`,
        };
      }
      return {
        text: `La campaña de la Renta ${c.year} terminó el ${c.end}. Si no la presentaste, aún puedes hacerlo fuera de plazo en ${c.url} (si sale a pagar, puede tener recargo). La campaña de la Renta ${next(c)} suele empezar a principios de abril de ${next(c, 2)}.`,
        short: `Renta ${c.year}: terminó el ${c.end}. La siguiente, hacia abril de ${next(c, 2)}. ${c.url}`,
      };
    },
    pago(phase, debitOpen, c) {
      if (phase === 'before') {
        return {
          text: `La campaña de la Renta ${c.year} empieza el ${c.start}. Si te sale a pagar, podrás domiciliar el pago si la presentas hasta el ${c.debitEnd}, o pagar por otros medios hasta el ${c.end}, y fraccionarlo en dos plazos. ${c.url}`,
          short: `Renta ${c.year}: domiciliación hasta el ${c.debitEnd}. ${c.url}`,
        };
      }
      if (phase === 'during' && debitOpen) {
        return {
          text: `Si tu Renta ${c.year} sale a pagar, puedes domiciliar el pago en tu banco si la presentas hasta el ${c.debitEnd}. Hasta el ${c.end} también puedes pagar con un NRC de tu banco o con tarjeta, y fraccionar el pago en dos plazos. ${c.url}`,
          short: `Renta ${c.year}: domiciliación hasta el ${c.debitEnd}. ${c.url}`,
        };
      }
      if (phase === 'during') {
        return {
          text: `El plazo para domiciliar el pago de la Renta ${c.year} terminó el ${c.debitEnd}. Hasta el ${c.end} aún puedes presentarla y pagar con un NRC de tu banco o con tarjeta. ${c.url}`,
          short: `Renta ${c.year}: domiciliación cerrada; pago con NRC o tarjeta hasta el ${c.end}. ${c.url}`,
        };
      }
      return this.plazos(phase, debitOpen, c);
    },
    citaPhone(state, w) {
      if (state === 'upcoming') return `Cita telefónica (plan «Le Llamamos»): podrás pedirla desde el ${w.requestsFrom}; las llamadas son del ${w.serviceFrom} al ${w.serviceUntil}.`;
      if (state === 'open') return `Cita telefónica (plan «Le Llamamos»): ya puedes pedirla, hasta el ${w.requestsUntil}; las llamadas son del ${w.serviceFrom} al ${w.serviceUntil}.`;
      return `Cita telefónica: el plazo para pedirla terminó el ${w.requestsUntil}.`;
    },
    citaInPerson(state, w) {
      if (state === 'upcoming') return `Cita presencial en oficinas: podrás pedirla desde el ${w.requestsFrom}; la atención es del ${w.serviceFrom} al ${w.serviceUntil}.`;
      if (state === 'open') return `Cita presencial en oficinas: ya puedes pedirla, hasta el ${w.requestsUntil}; la atención es del ${w.serviceFrom} al ${w.serviceUntil}.`;
      return `Cita presencial: el plazo para pedirla terminó el ${w.requestsUntil}.`;
    },
    citaFooter: (url, automatic, personal) => `Pide cita en ${url} o por teléfono: ${automatic} (automático, 24 h) o ${personal} (de lunes a viernes, de 9 a 19 h).`,
    citaShort: (url, automatic) => `Cita Renta: ${url} · ${automatic}`,
  },
  ca: {
    plazos(phase, debitOpen, c) {
      if (phase === 'before') {
        return {
          text: `La campanya de la Renda ${c.year} comença el ${c.start} i acaba el ${c.end}. La podràs presentar per internet (Renta WEB o l'app de l'Agència Tributària): ${c.url}`,
          short: `Renda ${c.year}: comença el ${c.start}. ${c.url}`,
        };
      }
      if (phase === 'during') {
        const debit = debitOpen
          ? ` Si et surt a pagar i vols domiciliar el pagament, tens temps fins al ${c.debitEnd}.`
          : ` El termini per domiciliar el pagament va acabar el ${c.debitEnd}.`;
        return {
          text: `La campanya de la Renda ${c.year} està oberta fins al ${c.end}.${debit} La pots presentar a Renta WEB o a l'app de l'Agència Tributària: ${c.url}`,
          short: `Renda ${c.year}: oberta fins al ${c.end}. ${c.url}`,
        };
      }
      return {
        text: `La campanya de la Renda ${c.year} va acabar el ${c.end}. Si no la vas presentar, encara ho pots fer fora de termini a ${c.url} (si surt a pagar, pot tenir recàrrec). La campanya de la Renda ${next(c)} sol començar a principis d'abril de ${next(c, 2)}.`,
        short: `Renda ${c.year}: va acabar el ${c.end}. La següent, cap a l'abril de ${next(c, 2)}. ${c.url}`,
      };
    },
    pago(phase, debitOpen, c) {
      if (phase === 'before') {
        return {
          text: `La campanya de la Renda ${c.year} comença el ${c.start}. Si et surt a pagar, podràs domiciliar el pagament si la presentes fins al ${c.debitEnd}, o pagar per altres mitjans fins al ${c.end}, i fraccionar-lo en dos terminis. ${c.url}`,
          short: `Renda ${c.year}: domiciliació fins al ${c.debitEnd}. ${c.url}`,
        };
      }
      if (phase === 'during' && debitOpen) {
        return {
          text: `Si la teva Renda ${c.year} surt a pagar, pots domiciliar el pagament al banc si la presentes fins al ${c.debitEnd}. Fins al ${c.end} també pots pagar amb un NRC del banc o amb targeta, i fraccionar el pagament en dos terminis. ${c.url}`,
          short: `Renda ${c.year}: domiciliació fins al ${c.debitEnd}. ${c.url}`,
        };
      }
      if (phase === 'during') {
        return {
          text: `El termini per domiciliar el pagament de la Renda ${c.year} va acabar el ${c.debitEnd}. Fins al ${c.end} encara la pots presentar i pagar amb un NRC del banc o amb targeta. ${c.url}`,
          short: `Renda ${c.year}: domiciliació tancada; pagament amb NRC o targeta fins al ${c.end}. ${c.url}`,
        };
      }
      return this.plazos(phase, debitOpen, c);
    },
    citaPhone(state, w) {
      if (state === 'upcoming') return `Cita telefònica (pla «Le Llamamos»): la podràs demanar des del ${w.requestsFrom}; les trucades són del ${w.serviceFrom} al ${w.serviceUntil}.`;
      if (state === 'open') return `Cita telefònica (pla «Le Llamamos»): ja la pots demanar, fins al ${w.requestsUntil}; les trucades són del ${w.serviceFrom} al ${w.serviceUntil}.`;
      return `Cita telefònica: el termini per demanar-la va acabar el ${w.requestsUntil}.`;
    },
    citaInPerson(state, w) {
      if (state === 'upcoming') return `Cita presencial a les oficines: la podràs demanar des del ${w.requestsFrom}; l'atenció és del ${w.serviceFrom} al ${w.serviceUntil}.`;
      if (state === 'open') return `Cita presencial a les oficines: ja la pots demanar, fins al ${w.requestsUntil}; l'atenció és del ${w.serviceFrom} al ${w.serviceUntil}.`;
      return `Cita presencial: el termini per demanar-la va acabar el ${w.requestsUntil}.`;
    },
    citaFooter: (url, automatic, personal) => `Demana cita a ${url} o per telèfon: ${automatic} (automàtic, 24 h) o ${personal} (de dilluns a divendres, de 9 a 19 h).`,
    citaShort: (url, automatic) => `Cita Renda: ${url} · ${automatic}`,
  },
  gl: {
    plazos(phase, debitOpen, c) {
      if (phase === 'before') {
        return {
          text: `A campaña da Renda ${c.year} comeza o ${c.start} e remata o ${c.end}. Poderás presentala por internet (Renta WEB ou a app da Axencia Tributaria): ${c.url}`,
          short: `Renda ${c.year}: comeza o ${c.start}. ${c.url}`,
        };
      }
      if (phase === 'during') {
        const debit = debitOpen
          ? ` Se che sae a pagar e queres domiciliar o pagamento, tes ata o ${c.debitEnd}.`
          : ` O prazo para domiciliar o pagamento rematou o ${c.debitEnd}.`;
        return {
          text: `A campaña da Renda ${c.year} está aberta ata o ${c.end}.${debit} Podes presentala en Renta WEB ou na app da Axencia Tributaria: ${c.url}`,
          short: `Renda ${c.year}: aberta ata o ${c.end}. ${c.url}`,
        };
      }
      return {
        text: `A campaña da Renda ${c.year} rematou o ${c.end}. Se non a presentaches, aínda podes facelo fóra de prazo en ${c.url} (se sae a pagar, pode ter recarga). A campaña da Renda ${next(c)} adoita comezar a principios de abril de ${next(c, 2)}.`,
        short: `Renda ${c.year}: rematou o ${c.end}. A seguinte, cara a abril de ${next(c, 2)}. ${c.url}`,
      };
    },
    pago(phase, debitOpen, c) {
      if (phase === 'before') {
        return {
          text: `A campaña da Renda ${c.year} comeza o ${c.start}. Se che sae a pagar, poderás domiciliar o pagamento se a presentas ata o ${c.debitEnd}, ou pagar por outros medios ata o ${c.end}, e fraccionalo en dous prazos. ${c.url}`,
          short: `Renda ${c.year}: domiciliación ata o ${c.debitEnd}. ${c.url}`,
        };
      }
      if (phase === 'during' && debitOpen) {
        return {
          text: `Se a túa Renda ${c.year} sae a pagar, podes domiciliar o pagamento no teu banco se a presentas ata o ${c.debitEnd}. Ata o ${c.end} tamén podes pagar cun NRC do teu banco ou con tarxeta, e fraccionar o pagamento en dous prazos. ${c.url}`,
          short: `Renda ${c.year}: domiciliación ata o ${c.debitEnd}. ${c.url}`,
        };
      }
      if (phase === 'during') {
        return {
          text: `O prazo para domiciliar o pagamento da Renda ${c.year} rematou o ${c.debitEnd}. Ata o ${c.end} aínda podes presentala e pagar cun NRC do teu banco ou con tarxeta. ${c.url}`,
          short: `Renda ${c.year}: domiciliación pechada; pagamento con NRC ou tarxeta ata o ${c.end}. ${c.url}`,
        };
      }
      return this.plazos(phase, debitOpen, c);
    },
    citaPhone(state, w) {
      if (state === 'upcoming') return `Cita telefónica (plan «Le Llamamos»): poderás pedila desde o ${w.requestsFrom}; as chamadas son do ${w.serviceFrom} ao ${w.serviceUntil}.`;
      if (state === 'open') return `Cita telefónica (plan «Le Llamamos»): xa podes pedila, ata o ${w.requestsUntil}; as chamadas son do ${w.serviceFrom} ao ${w.serviceUntil}.`;
      return `Cita telefónica: o prazo para pedila rematou o ${w.requestsUntil}.`;
    },
    citaInPerson(state, w) {
      if (state === 'upcoming') return `Cita presencial nas oficinas: poderás pedila desde o ${w.requestsFrom}; a atención é do ${w.serviceFrom} ao ${w.serviceUntil}.`;
      if (state === 'open') return `Cita presencial nas oficinas: xa podes pedila, ata o ${w.requestsUntil}; a atención é do ${w.serviceFrom} ao ${w.serviceUntil}.`;
      return `Cita presencial: o prazo para pedila rematou o ${w.requestsUntil}.`;
    },
    citaFooter: (url, automatic, personal) => `Pide cita en ${url} ou por teléfono: ${automatic} (automático, 24 h) ou ${personal} (de luns a venres, de 9 a 19 h).`,
    citaShort: (url, automatic) => `Cita Renda: ${url} · ${automatic}`,
  },
  eu: {
    // Dates go after a label ("Azken eguna: …") so they need no case ending.
    plazos(phase, debitOpen, c) {
      if (phase === 'before') {
        return {
          text: `${c.year} errenta-kanpaina oraindik ez da hasi. Hasiera: ${c.start}. Amaiera: ${c.end}. Interneten aurkeztu ahal izango duzu (Renta WEB edo Zerga Agentziaren aplikazioa): ${c.url}`,
          short: `${c.year} errenta: hasiera ${c.start}. ${c.url}`,
        };
      }
      if (phase === 'during') {
        const debit = debitOpen
          ? ` Ordaindu behar baduzu eta ordainketa helbideratu nahi baduzu, azken eguna: ${c.debitEnd}.`
          : ` Ordainketa helbideratzeko epea amaitu da (azken eguna: ${c.debitEnd}).`;
        return {
          text: `${c.year} errenta-kanpaina zabalik dago. Azken eguna: ${c.end}.${debit} Renta WEB-en edo Zerga Agentziaren aplikazioan aurkez dezakezu: ${c.url}`,
          short: `${c.year} errenta: zabalik, azken eguna ${c.end}. ${c.url}`,
        };
      }
      return {
        text: `${c.year} errenta-kanpaina amaitu zen (azken eguna: ${c.end}). Aurkeztu ez baduzu, epez kanpo egin dezakezu hemen: ${c.url} (ordaindu behar bada, errekargua egon daiteke). ${next(c)} errenta-kanpaina ${next(c, 2)}ko apirilaren hasieran hasi ohi da.`,
        short: `${c.year} errenta: amaitua (${c.end}). Hurrengoa: ${next(c, 2)}ko apirila. ${c.url}`,
      };
    },
    pago(phase, debitOpen, c) {
      if (phase === 'before') {
        return {
          text: `${c.year} errenta-kanpaina oraindik ez da hasi (hasiera: ${c.start}). Ordaindu behar baduzu, ordainketa helbidera dezakezu aitorpena data honetara arte aurkezten baduzu: ${c.debitEnd}; beste bide batzuetatik ordaintzeko azken eguna: ${c.end}. Bi zatitan ere ordain dezakezu. ${c.url}`,
          short: `${c.year} errenta: helbideratzea, azken eguna ${c.debitEnd}. ${c.url}`,
        };
      }
      if (phase === 'during' && debitOpen) {
        return {
          text: `${c.year} errenta ordaindu behar baduzu, ordainketa zure bankuan helbidera dezakezu aitorpena data honetara arte aurkezten baduzu: ${c.debitEnd}. Bankuko NRC batekin edo txartelarekin ere ordain dezakezu (azken eguna: ${c.end}), eta bi zatitan ordaindu. ${c.url}`,
          short: `${c.year} errenta: helbideratzea, azken eguna ${c.debitEnd}. ${c.url}`,
        };
      }
      if (phase === 'during') {
        return {
          text: `${c.year} errentaren ordainketa helbideratzeko epea amaitu da (azken eguna: ${c.debitEnd}). Oraindik aurkez dezakezu eta bankuko NRC batekin edo txartelarekin ordaindu (azken eguna: ${c.end}). ${c.url}`,
          short: `${c.year} errenta: helbideratzea itxita; NRC edo txartela, azken eguna ${c.end}. ${c.url}`,
        };
      }
      return this.plazos(phase, debitOpen, c);
    },
    citaPhone(state, w) {
      if (state === 'upcoming') return `Telefono bidezko hitzordua («Le Llamamos» plana): eskatzeko hasiera: ${w.requestsFrom}; deiak: ${w.serviceFrom} – ${w.serviceUntil}.`;
      if (state === 'open') return `Telefono bidezko hitzordua («Le Llamamos» plana): orain eska dezakezu (azken eguna: ${w.requestsUntil}); deiak: ${w.serviceFrom} – ${w.serviceUntil}.`;
      return `Telefono bidezko hitzordua: eskatzeko epea amaitu da (azken eguna: ${w.requestsUntil}).`;
    },
    citaInPerson(state, w) {
      if (state === 'upcoming') return `Aurrez aurreko hitzordua bulegoetan: eskatzeko hasiera: ${w.requestsFrom}; arreta: ${w.serviceFrom} – ${w.serviceUntil}.`;
      if (state === 'open') return `Aurrez aurreko hitzordua bulegoetan: orain eska dezakezu (azken eguna: ${w.requestsUntil}); arreta: ${w.serviceFrom} – ${w.serviceUntil}.`;
      return `Aurrez aurreko hitzordua: eskatzeko epea amaitu da (azken eguna: ${w.requestsUntil}).`;
    },
    citaFooter: (url, automatic, personal) => `Eskatu hitzordua hemen: ${url}, edo telefonoz: ${automatic} (automatikoa, 24 h) edo ${personal} (astelehenetik ostiralera, 9etatik 19etara).`,
    citaShort: (url, automatic) => `Errenta hitzordua: ${url} · ${automatic}`,
    note: 'Araban, Bizkaian, Gipuzkoan edo Nafarroan bizi bazara, begiratu zure foru-ogasunaren egutegia.',
  },
  en: {
    plazos(phase, debitOpen, c) {
      if (phase === 'before') {
        return {
          text: `The ${c.year} income tax return campaign (Renta) starts on ${c.start} and ends on ${c.end}. You will be able to file online (Renta WEB or the Agencia Tributaria app): ${c.url}`,
          short: `Renta ${c.year}: starts on ${c.start}. ${c.url}`,
        };
      }
      if (phase === 'during') {
        const debit = debitOpen
          ? ` If you owe tax and want to pay by direct debit, file by ${c.debitEnd}.`
          : ` The deadline to pay by direct debit was ${c.debitEnd}.`;
        return {
          text: `The ${c.year} income tax return campaign (Renta) is open until ${c.end}.${debit} You can file in Renta WEB or the Agencia Tributaria app: ${c.url}`,
          short: `Renta ${c.year}: open until ${c.end}. ${c.url}`,
        };
      }
      return {
        text: `The ${c.year} income tax return campaign (Renta) ended on ${c.end}. If you did not file, you can still file late at ${c.url} (a surcharge may apply if you owe tax). The ${next(c)} campaign usually opens in early April ${next(c, 2)}.`,
        short: `Renta ${c.year}: ended on ${c.end}. ${c.url}`,
      };
    },
    pago(phase, debitOpen, c) {
      if (phase === 'before') {
        return {
          text: `The ${c.year} Renta campaign starts on ${c.start}. If you owe tax, you can pay by direct debit if you file by ${c.debitEnd}, or pay by other means until ${c.end}, and split the payment in two instalments. ${c.url}`,
          short: `Renta ${c.year}: direct debit until ${c.debitEnd}. ${c.url}`,
        };
      }
      if (phase === 'during' && debitOpen) {
        return {
          text: `If you owe tax on your ${c.year} Renta, you can pay by direct debit from your bank if you file by ${c.debitEnd}. Until ${c.end} you can also pay with a bank NRC or by card, and split the payment in two instalments. ${c.url}`,
          short: `Renta ${c.year}: direct debit until ${c.debitEnd}. ${c.url}`,
        };
      }
      if (phase === 'during') {
        return {
          text: `The deadline to pay the ${c.year} Renta by direct debit was ${c.debitEnd}. Until ${c.end} you can still file and pay with a bank NRC or by card. ${c.url}`,
          short: `Renta ${c.year}: direct debit closed; pay by NRC or card until ${c.end}. ${c.url}`,
        };
      }
      return this.plazos(phase, debitOpen, c);
    },
    citaPhone(state, w) {
      if (state === 'upcoming') return `Phone appointment ("Le Llamamos" plan): you can request it from ${w.requestsFrom}; calls run from ${w.serviceFrom} to ${w.serviceUntil}.`;
      if (state === 'open') return `Phone appointment ("Le Llamamos" plan): you can request it now, until ${w.requestsUntil}; calls run from ${w.serviceFrom} to ${w.serviceUntil}.`;
      return `Phone appointment: requests closed on ${w.requestsUntil}.`;
    },
    citaInPerson(state, w) {
      if (state === 'upcoming') return `In-person appointment at a tax office: you can request it from ${w.requestsFrom}; offices help from ${w.serviceFrom} to ${w.serviceUntil}.`;
      if (state === 'open') return `In-person appointment at a tax office: you can request it now, until ${w.requestsUntil}; offices help from ${w.serviceFrom} to ${w.serviceUntil}.`;
      return `In-person appointment: requests closed on ${w.requestsUntil}.`;
    },
    citaFooter: (url, automatic, personal) => `Book at ${url} or by phone: ${automatic} (automated, 24 h) or ${personal} (Monday to Friday, 9:00 to 19:00).`,
    citaShort: (url, automatic) => `Renta appointment: ${url} · ${automatic}`,
  },
};

/** Words that mark a question about paying (direct debit, instalments) in any of the five languages. */
export const PAYMENT_WORDS = /\b(domicili\w*|pag(ar|o|ament\w*|amento)|cargo|fraccion\w*|helbidera\w*|ordain\w*|direct debit|pay(ment)?|instal?ments?)\b/iu;
