/**
 * The safety net's first layer: high-precision phrase rules in the five languages. They live in
 * code on purpose (editing or breaking the FAQ content cannot switch them off) and read text
 * already passed through `normalizeText` (lower case, no accents, apostrophes kept).
 *
 * Every rule is linear in the text's length: no nested quantifiers, and every gap between two
 * words is bounded (`[^.!?]{0,40}`), so a 10,000-character message costs a bounded amount per
 * position. Morphology is written into the stems (`atragant\w*`, Basque case suffixes such as
 * `senarr(ak|ari)`, Galician enclitics `pegame`/`pegoume`, Catalan clitics `m'estan`).
 */
import type { EmergencyIntent } from '../content/catalogue.js';

type RuleSet = Readonly<Record<EmergencyIntent, readonly RegExp[]>>;

/** A bounded gap inside one sentence: keeps "X … Y" rules linear and stops them across sentences. */
const GAP = '[^.!?\\n]{0,50}';

// Partner words, reused by the 016 rules (es/gl share most of them).
const ES_PARTNER = '(?:pareja|expareja|marido|exmarido|esposo|exesposo|novio|exnovio|ex|companero|excompanero|novia|exnovia|mujer|esposa|padre de mis hijos|padre de mi hijo)';
const GL_PARTNER = '(?:parella|exparella|home|marido|hom|mozo|exmozo|noivo|exnoivo|ex|companeiro|moza|muller|esposo|esposa)';
const CA_PARTNER = '(?:parella|exparella|marit|exmarit|home|xicot|exxicot|nuvi|ex|company|excompany|xicota|dona|esposa)';
const EU_PARTNER = '(?:senar|bikotekide|mutil[- ]?lagun|neska[- ]?lagun|emazte|lagun ohi|ex)\\w*';
const EN_PARTNER = "(?:partner|ex-partner|husband|ex-husband|boyfriend|ex-boyfriend|bf|ex|wife|ex-wife|girlfriend|ex-girlfriend|fiance|kids' dad|children's father)";

/*
 * Rules are written for danger *in progress* or disclosed; their recall is backed by the
 * classifier (the second layer), so a rule is added only where it is nearly never wrong.
 */
const RULES: RuleSet = {
  'emergencia.112': [
    // es — breathing, choking, consciousness
    /\bno (?:respira|puede respirar|le entra (?:el )?aire|coge aire)\b|\b(?:ha dejado|dejo) de respirar\b|\bse (?:esta |estan )?(?:ahogando|atragantando|atraganto|ha atragantado)\b|\batragantamiento\b/,
    /\binconsciente\b|\bsin conocimiento\b|\bse ha (?:desmayado|desplomado)\b|\b(?:se ha caido|se cayo|esta en el suelo|esta tirad[oa])\b[^.!?\n]{0,40}\bno (?:responde|reacciona|se mueve|contesta|se despierta)\b|\bno (?:reacciona|vuelve en si)\b|\bconvulsion(?:a|ando|es)?\b/,
    /\b(?:me esta dando|le esta dando|le ha dado|creo que es) un (?:infarto|ictus)\b|\bsangr(?:a|ando) (?:mucho|much[ií]simo|sin parar)\b|\bno (?:para|deja) de sangrar\b|\bhemorragia\b|\bsobredosis\b|\bcoma etilico\b|\bse ha (?:tomado|bebido|tragado) (?:un bote|una caja|toda la caja|lejia|todas las pastillas)/,
    // es — fire, gas, accidents
    /\b(?:hay|tenemos) (?:un )?(?:incendio|fuego)\b|\bse (?:esta|estan) quemando (?:la|el|mi|las|los|todo)\b|\b(?:esta|estan) ardiendo\b|\bmi casa (?:esta ardiendo|se quema)\b|\b(?:llena|lleno) de humo\b|\bfuga de gas\b|\bhuele (?:mucho |muchisimo )?a gas\b/,
    /\b(?:ha habido|hay|he tenido|hemos tenido|acabo de tener|acaba de haber|acabamos de tener) un (?:accidente|atropello|choque)\b(?! (?:laboral|de trabajo|hace|el (?:mes|ano)|la semana|en 20))|\baccidente de (?:coche|trafico|moto|autobus)\b(?! (?:hace|del ano|el ano|laboral|de ayer|de onte|del otro dia|de la semana))|\b(?:han|ha|acaban de|acaba de) (?:atropellado|arrollado)\b|\b(?:acaban de|acabamos de) (?:chocar|estrellarse)\b|\bhay (?:gente|alguien|personas?) atrapad[oa]s?\b/,
    // es — crime in progress, weapons
    /\bme (?:estan|esta) (?:pegando|atacando|agrediendo|apunalando|robando|atracando|siguiendo para robar)\b|\b(?:nos|les|le) (?:estan|esta) (?:pegando|atacando|robando|agrediendo)\b|\bestan (?:robando|atracando|forzando)\b|\bestan entrando (?:a robar|en (?:mi|la|nuestra) casa)\b|\bhay (?:alguien|un hombre|unos? (?:tipos?|hombres?)) (?:dentro de|en) (?:mi )?casa\b|\bme (?:han|acaban de) (?:apunalar|apunalado|disparado|atracar|atracado)\b/,
    /\bhay un ladron\b|\btiroteo\b|\b(?:se oyen |oigo |he oido |han )(?:disparos|tiros|disparado)\b|\b(?:tiene|lleva|con|saca|ha sacado) (?:un |una )?(?:cuchillo|arma|pistola|navaja|escopeta|machete)\b[^.!?\n]{0,40}\b(?:amenaza|gritando|grita|persigue|calle|plaza|bar|metro|puerta)|\bpelea con (?:cuchillos?|navajas?|armas?)\b|\ble han (?:apunalado|dado una punalada|disparado)\b/,
    /\bnecesito (?:una )?ambulancia\b|\bllam(?:a|ad|en|e) (?:a )?(?:la policia|una ambulancia|los bomberos|al 112)\b|\bsocorro\b|\bauxilio\b|\bes una emergencia\b|^emergencia\b/,
    // es — more situations described without a trigger word
    /\bse (?:ahoga|atraganta)\b|\b(?:esta|estan) desmayad[oa]s?\b|\bhay (?:una persona|un hombre|una mujer|alguien|un chico|una chica|un senor|una senora) (?:desmayad[oa]|inconsciente|tirad[oa] en el suelo)\b|\bse (?:le|me) esta hinchando la (?:garganta|cara|lengua)\b|\bse ha electrocutado\b|\b(?:humo negro|llamas en|las llamas)\b|\bse quema (?:el|la|mi) (?:bosque|monte|casa|piso|edificio|cocina|coche)\b|\b(?:ha sido|han) (?:arrollad[oa]|atropellad[oa]|apunalad[oa])\b|\bhan apunalado\b|\bherid[oa]s? graves?\b|\bcon pasamontanas\b|\bse ha perdido (?:un nino|una nina|mi hij[oa]|un crio)\b|\bmi hij[oa] (?:de \d+ anos )?no aparece\b|\b(?:un nino|una nina|un bebe) solo en (?:un|el) coche\b|^(?:fuego|incendio|socorro)\W*$|\bay un (?:incendio|fuego|herido)\b/,
    // en — the same situations
    /\b(?:he|she|they)'?s? (?:drowning|choking)\b|\bthroat is swelling\b|\bgot an electric shock\b|\bflames (?:coming|in|on)\b|\b(?:been|got|was) (?:run over|stabbed|shot)\b|\bbadly (?:hurt|injured)\b|\bseriously (?:hurt|injured)\b|\bin balaclavas\b|\b(?:a child|a kid|my son|my daughter|my child) (?:is|has gone) missing\b|\b(?:child|kid|baby|toddler) (?:locked|alone) in a (?:hot )?car\b|^fire\W*$/,
    // ca
    /\bno (?:respira|pot respirar)\b|\bs'(?:esta )?(?:ofega|ennuega|ofegant|ennuegant)\b|\binconscient\b|\bs'ha (?:desmaiat|desplomat)\b|\bs'ha caigut\b[^.!?\n]{0,40}\bno (?:respon|reacciona|es mou)\b|\bno reacciona\b|\bsagna molt\b|\bsobredosi\b/,
    /\bhi ha (?:un )?(?:incendi|foc)\b|\bincendi a (?:casa|la|el|l')|\bs'esta cremant\b|\b(?:esta|estan) cremant\b|\bsurt (?:molt de )?fum\b|\bhi ha (?:hagut )?un accident\b|\bhan atropellat\b|\bfuita de gas\b|\bfa (?:molta )?olor de gas\b/,
    /\bm'estan (?:pegant|atacant|robant|agredint|apunyalant)\b|\bens estan (?:pegant|atacant|robant)\b|\bestan (?:robant|entrant a (?:casa|robar))\b|\bhi ha un lladre\b|\b(?:porta|amb) (?:un )?(?:ganivet|arma|pistola|navalla)\b[^.!?\n]{0,40}\b(?:amenaca|crida|carrer|placa)|\btrets\b|\btruque(?:u|s|n)? a (?:la policia|una ambulancia|els bombers)\b|\bnecessito una ambulancia\b|\bsocors\b|\bauxili\b|\bes una emergencia\b/,
    // gl
    /\bnon (?:respira|pode respirar)\b|\b(?:atragantouse|esta atragantandose|estase afogando|afogase)\b|\binconsciente\b|\b(?:desmaiouse|desmaiose)\b|\bcaeu\b[^.!?\n]{0,40}\bnon (?:responde|reacciona|se move)\b|\bnon reacciona\b|\bsangra moito\b/,
    /\bhai (?:un )?(?:incendio|lume)\b|\bestase queimando\b|\besta ardendo\b|\bsae (?:moito )?fume\b|\bhai un (?:accidente|atropelo)\b|\batropelaron\b|\bfuga de gas\b|\bcheira (?:moito )?a gas\b/,
    /\bestanme (?:pegando|atacando|roubando|agredindo)\b|\bestan (?:roubando|entrando na (?:mina )?casa)\b|\bhai un ladron\b|\b(?:leva|ten|con) (?:un |unha )?(?:coitelo|navalla|pistola|arma)\b[^.!?\n]{0,40}\b(?:ameaza|berra|rua|praza)|\bchama(?:de|dea)? (?:a|á) (?:policia|unha ambulancia|os bombeiros)\b|\bnecesito unha ambulancia\b|\be unha emerxencia\b/,
    // eu
    /\bsute(?:a|ak)? (?:dago|dugu|daukagu)\b|\bsua (?:dago|hartu du)\b|\berretzen ari\b|\bkea (?:ateratzen|dago)\b|\bistripu(?:a| bat) (?:izan (?:dugu|dut|da)|egon da)\b(?! atzo)|\bharrapatu (?:du|dute)\b|\bkonorterik gabe\b|\bkonortea galdu\b|\bez (?:du|dute|dio) arnas(?:a|ik|arik) hartzen\b|\bez da arnasa hartzen ari\b|\bitotzen ari (?:da|dira)\b|\bzorabiatu (?:egin )?da\b|\bez du erantzuten\b/,
    /\blapurretan ari\b|\blapurtzen ari\b|\beraso (?:egiten|egin) (?:ari zaizkit|didate|dit|diote)\b|\bjotzen ari (?:zaizkit|dira)\b|\b(?:labana|pistola|arma)\w* (?:bat )?(?:du|dauka|darama)\b|\banbulantzia (?:bat )?behar\b|\bdeitu (?:poliziari|anbulantziari|suhiltzaileei|112ra)\b|\bgas[- ]ihes\w*/,
    // en
    /\b(?:there'?s|there is) a fire\b|\b(?:is|are|'s|'re) on fire\b|\bfire in (?:my|the|our)\b|\b(?:kitchen|house|flat|building|car|home) is burning\b|\b(?:full of|lots of|black) smoke\b|\b(?:there'?s been|there has been|there'?s|there is|(?:i'?ve|we'?ve|i|we) just had) an? (?:accident|crash)\b|\b(?:hit|run over) by a (?:car|bus|lorry|truck|van)\b|\bunconscious\b|\bunresponsive\b|\b(?:not|isn'?t|stopped|can'?t|cannot) breath(?:e|ing)\b/,
    /\b(?:having|had|has) a (?:heart attack|stroke|seizure|fit)\b|\b(?:an|took an|taken an) overdose\b|\boverdosed\b|\b(?:is|'s|he'?s|she'?s) choking\b|\bchoking on\b|\b(?:someone|somebody|is|'s|child|kid|boy|girl|man|woman) drowning\b|\bbleeding (?:a lot|heavily|badly)\b|\bwon'?t stop bleeding\b|\b(?:won'?t|can'?t|doesn'?t) wake (?:up|him|her)\b|\b(?:passed out|collapsed|fainted) and (?:is not|isn'?t|won'?t|can'?t|not|doesn'?t)\b/,
    /\b(?:i'?m|i am|we'?re|we are) being (?:attacked|robbed|stabbed|beaten|mugged)\b|\bbreaking into\b|\bbroke into\b[^.!?\n]{0,30}\bstill (?:in|there)|\bsomeone(?:'s| is) (?:robbing|attacking|stabbing)\b|\b(?:been|got) (?:stabbed|shot)\b|\bshots fired\b|\bgunshots\b|\bat knifepoint\b|\bgas leak\b|\bcall (?:the police|an ambulance|the fire brigade|911|999)\b|\bneed an ambulance\b|\b(?:it'?s|this is) an emergency\b|^emergency\b/,
  ],
  'emergencia.016': [
    // es
    new RegExp(`\\bmi ${ES_PARTNER}\\b${GAP}\\bme (?:esta (?:pegando|amenazando|siguiendo|acosando|agrediendo|golpeando)|pega|ha pegado|pego|golpea|ha golpeado|maltrata|ha maltratado|amenaza|ha amenazado|amenazo|acosa|persigue|sigue a todas partes|viola|ha violado|violo|obliga|quiere matar|va a matar|hace dano|ha hecho dano|empuja|ha empujado|empujo|controla|vigila|insulta|humilla|tiene (?:encerrada|amenazada|aislada)|encierra|agrede|ha agredido|forzo|ha forzado)\\b`),
    new RegExp(`\\bme (?:pega|maltrata|amenaza|acosa|persigue|golpea|ha pegado|ha amenazado|ha violado|viola|agrede)\\b${GAP}\\bmi ${ES_PARTNER}\\b`),
    new RegExp(`\\b(?:tengo|me da) (?:mucho )?miedo (?:de|a) mi ${ES_PARTNER}\\b`),
    /\b(?:sufro|sufre|sufrimos|sufria|vivo con|aguanto) (?:maltrato|malos tratos|violencia (?:de genero|machista|domestica))\b|\bme maltrata\b|\bes un maltratador\b|\bsoy (?:una )?victima de (?:violencia|maltrato|malos tratos)\b|\bviolencia (?:de genero|machista|domestica)\b[^.!?\n]{0,30}\b(?:ayuda|ayudame|socorro|auxilio)\b|\b(?:ayuda|ayudame|socorro)\b[^.!?\n]{0,30}\bviolencia (?:de genero|machista|domestica)\b|\borden de alejamiento\b[^.!?\n]{0,40}\b(?:se la (?:salta|ha saltado)|la (?:incumple|ha incumplido|rompe|ha roto|viola)|no la respeta)\b|\bse (?:ha saltado|salta|salto) la orden\b|\bme (?:han|ha) violado\b|\bme violaron\b|\bagresion sexual\b|\bme (?:han|ha) agredido sexualmente\b/,
    // ca
    new RegExp(`\\b(?:la meva|el meu) ${CA_PARTNER}\\b${GAP}\\b(?:em (?:pega|maltracta|amenaca|assetja|persegueix|controla|insulta|humilia|fa mal|vol matar|matara|viola|obliga|empeny)|m'(?:ha pegat|ha amenacat|ha violat|amenaca|insulta|empeny|agredeix))\\b`),
    new RegExp(`\\btinc (?:molta )?por (?:de la meva|del meu) ${CA_PARTNER}\\b`),
    /\bpateixo (?:maltractaments?|violencia (?:de genere|masclista|domestica))\b|\bem maltracta\b|\bes un maltractador\b|\bm'han violat\b/,
    // gl
    new RegExp(`\\bo meu ${GL_PARTNER}\\b${GAP}\\b(?:pegame|pegoume|bateme|bateume|maltratame|ameazame|ameazoume|acosame|persegueme|controlame|violoume|golpeame|insultame|humillame|quere matarme|vai matarme|faime dano)\\b`),
    new RegExp(`\\ba miña ${GL_PARTNER}\\b${GAP}\\b(?:pegame|pegoume|ameazame|persegueme|controlame)\\b`),
    new RegExp(`\\bteno (?:moito )?medo (?:do meu|da miña|o meu) ${GL_PARTNER}\\b`),
    /\b(?:pegame|pegoume|maltratame|ameazame|acosame|persegueme|violoume|golpeame)\b|\bsufro (?:maltrato|malos tratos|violencia (?:de xenero|machista|domestica))\b|\be un maltratador\b/,
    // eu
    new RegExp(`\\b${EU_PARTNER}\\b${GAP}\\b(?:jo (?:egiten )?nau|jotzen nau|jo nau|tratu txarrak|mehatxa\\w*|jazart\\w*|jazarri|bortxatu|atzetik dabil|hilko nauela|hil egingo nauela|kontrolatzen nau|mina egiten dit)`),
    /\btratu txarrak (?:jasaten|ematen) (?:ditu|dizkit|ari)|\bgenero[- ]indarkeria (?:jasaten|pairatzen)/,
    // en
    new RegExp(`\\bmy ${EN_PARTNER}\\b${GAP}\\b(?:(?:is )?(?:hits|beats|hitting|beating|hit|beat|slapped|punched|kicks|kicked|chokes|choked|strangled|abuses|abused|threatens|threatened|threatening|stalks|stalking|follows|rapes|raped|hurts|hurt|controls|forces|forced|pushed|shoved|locked) me|is abusive|is going to kill me|will kill me|(?:said|says) (?:he'?ll|he will|he'?s going to) kill me)\\b`),
    new RegExp(`\\b(?:i'?m|i am) (?:so |really )?(?:scared|afraid|terrified) of my ${EN_PARTNER}\\b`),
    /\b(?:i'?m|i am) (?:a )?(?:victim of|suffering|living with) domestic (?:violence|abuse)\b|\b(?:i'?m|i am) in an abusive (?:relationship|marriage)\b|\b(?:i'?ve been|i was|i got) (?:raped|sexually assaulted)\b/,
  ],
  'emergencia.024': [
    // es
    /\b(?:quiero|quisiera|me quiero|deseo|tengo ganas de|ganas de|voy a|pienso en|he pensado en|estoy pensando en) (?:morir(?:me)?|matarme|suicidarme|quitarme la vida|acabar con (?:todo|mi vida)|tirarme (?:por|de|desde|a las vias))\b|\bno quiero (?:vivir|seguir viviendo|seguir vivo|seguir viva|estar viv[oa]|despertar(?:me)?)\b/,
    /\b(?:suicidarme|me (?:voy a|quiero) suicidar|intentar suicidarme|he intentado suicidarme|me suicido|pienso en el suicidio)\b|\bquitar(?:me)? la vida\b|\bme (?:quiero|voy a) (?:morir|matar|suicidar)\b|\bhacerme dano\b|\bme (?:corto|autolesiono|hago dano|he vuelto a cortar)\b|\bautolesion|\b(?:pensamientos|ideas) (?:suicidas|de suicidio)\b|\bno vale la pena vivir\b|\bestaria(?:n)? mejor (?:muert[oa]|sin mi)\b|\bmejor (?:sin mi|si no estuviera)\b|\bnota de despedida\b|\b(?:perdido|sin|no tengo|ni) (?:las )?ganas de vivir\b/,
    // ca
    /\b(?:vull|voldria) morir|\bem vull morir\b|\bno vull (?:viure|continuar vivint|seguir vivint|despertar)\b|\b(?:suicidar-me|em vull suicidar|em suicidare)\b|\btreure'm la vida\b|\bem vull fer mal\b|\bfer-me mal\b|\bpensaments suicides\b|\bvull acabar amb tot\b|\bestarien millor sense mi\b|\bem vull matar\b/,
    // gl
    /\bquero morrer\b|\bnon quero (?:vivir|seguir vivindo|espertar)\b|\b(?:suicidarme|vou suicidarme|quero suicidarme)\b|\bquitarme a vida\b|\bfacerme dano\b|\bquerome facer dano\b|\bpensamentos suicidas\b|\bquero acabar con todo\b|\bestarian mellor sen min\b|\bquero matarme\b/,
    // eu
    /\bhil (?:egin )?nahi (?:dut|naiz)\b|\bez dut bizi(?:tzen)? (?:jarraitu )?nahi\b|\b(?:bere|nire|neure) buruaz beste\b|\bneure burua hil\b|\bmin egin nahi (?:diot|dit) neure buruari\b|\bsuizidatu nahi\b|\bdena amaitu nahi\b|\bhobeto egongo lirateke ni gabe\b/,
    // en
    /\bi (?:just |really |only |kinda )?(?:want|wanna) to die\b|\bi (?:just |really )?wanna die\b|\b(?:kill|killing|hurt|hurting|harm|harming|cut|cutting) myself\b|\b(?:i'?m|i am|feeling|feel) suicidal\b|\bsuicidal thoughts\b|\b(?:commit|committing) suicide\b|\bend (?:my|it) (?:life|all)\b|\bend it all\b|\btake my (?:own )?life\b|\b(?:don'?t|do not|dont) (?:want|wanna) to (?:live|be alive|wake up)\b|\bself[- ]harm|\bno reason to live\b|\bbetter off (?:dead|without me)\b|\blost the will to live\b|\bgoodbye note\b/,
  ],
};

/**
 * Idioms that look like danger but are not. They are removed before the rules run, and they veto
 * an emergency that only the classifiers guessed (a rule match on the rest of the text still fires).
 */
const IDIOMS: readonly RegExp[] = [
  /\bme (?:muero|mori|moria|estoy muriendo|voy a morir|quiero morir) de (?:la )?(?:risa|hambre|sueno|ganas|calor|frio|envidia|verguenza|aburrimiento|pena|asco)\b|\bme quiero morir (?=ja|je|xd|lol)/g,
  /\bme (?:muero|mori|moria|estoy muriendo|voy a morir) de (?:risa|hambre|sueno|ganas|calor|frio|envidia|verguenza|aburrimiento|pena|asco|miedo)\b/g,
  /\b(?:muert[oa]|morirse|morir) de (?:risa|hambre|sueno|cansancio|aburrimiento|verguenza|calor|frio)\b/g,
  /\bme (?:mata|matan|esta matando|va a matar|van a matar) (?:el|la|los|las|este|esta|mi|con)? ?(?:calor|frio|espalda|cabeza|pies|suegra|curro|trabajo|jefe|renta|hacienda|atasco|papeleo|tramites?)\b/g,
  /\b(?:casi )?me (?:da|dio|va a dar|ha dado) (?:un infarto|algo)\b(?= (?:al ver|con|cuando|de))/g,
  /\bme ahogo (?:en|con) (?:papeles|un vaso de agua|deudas|tanto|el calor|tanto calor)\b/g,
  /\bme pego una (?:ducha|siesta|vuelta|comilona)\b/g,
  /\b(?:el|la|del|linea|bus|autobus|numero|casilla|portal|local|modelo|formulario) (?:112|016|024)\b/g,
  /\bsalida de emergencia\b|\bsimulacro de (?:incendio|evacuacion)\b|\balarma de incendios\b/g,
  /\bem (?:moro|vull morir) de (?:riure|gana|son|fred|calor|vergonya)\b/g,
  /\b(?:quero morrer|morro) de (?:vergonza|risa|fame|sono)\b/g,
  /\blotsaz hil\b|\bbarrez hil\b|\bgosez hil\b/g,
  /\b(?:want to |wanna |could |gonna )?die of (?:embarrassment|shame|laughter|boredom)\b|\bi could die lol\b|\bdrowning in (?:paperwork|debt|work|bills|emails|forms)\b|\b(?:nearly|almost) had a heart attack\b/g,
  /\b(?:killing it|killed it|dying to|dying of laughter|to die for|killing me softly|bored to death|dead tired)\b/g,
  /\b(?:is|are) killing me\b(?= (?:from|with)|$)|\b(?:heat|traffic|back|boss|tax return|queue) (?:is|will) (?:killing|kill) me\b/g,
  /\bfire (?:tv|stick|exit|drill|alarm|extinguisher)\b|\bemergency exit\b|\bkill (?:-9|the process|some time)\b/g,
];

export interface SafetyMatch {
  readonly intent: EmergencyIntent;
  /** Which rule fired (for logs and tests), never the citizen's text. */
  readonly rule: string;
}

/**
 * Words that say the danger is told about, not happening to the writer: a film, a game, the news,
 * a drill, a first-aid course ("¿el curso enseña qué hacer si alguien se atraganta?"). With one of them the rules stand aside and the classifier (which has seen such hard
 * negatives) decides, so "en la peli hay un incendio" is not a definite alarm.
 */
const REPORTED_CONTEXT =
  /\b(?:pelicula|peli|serie|libro|novela|documental|videojuego|jugando|partida|noticias?|periodico|telediario|simulacro|pel\.licula|joc|noticies|diari|xogo|xogando|filma|telesaila|jokoa|albistegi\w*|albisteak?|film|movie|tv show|series|book|novel|documentary|video ?game|playing|news|newspaper|drill|primeros auxilios|primers auxilis|primeiros auxilios|lehen sorospen\w*|ikastaro\w*|first aid (?:course|class|training)|cursos?|cursillos?|curs|courses?)\b/;

/** The union of every rule (none has flags or numbered back-references, so union = "any rule matches"). */
const ANY_RULE = new RegExp(
  Object.values(RULES)
    .flat()
    .map((rule) => `(?:${rule.source})`)
    .join('|'),
);

const ANY_IDIOM = new RegExp(IDIOMS.map((idiom) => `(?:${idiom.source})`).join('|'));

/** Removes the known idioms from normalised text (each replaced by a space). */
export function withoutIdioms(normalized: string): string {
  if (!ANY_IDIOM.test(normalized)) return normalized;
  let text = normalized;
  for (const idiom of IDIOMS) text = text.replace(idiom, ' ');
  return text;
}

/** Applies the phrase rules to normalised text; 024 first, then 016, then 112. Never throws. */
export function matchSafetyRules(normalized: string): SafetyMatch | undefined {
  // One pass answers "could any rule match?" for the vast majority of messages, which are not
  // emergencies; removing idioms only ever takes matches away.
  if (!ANY_RULE.test(normalized) || REPORTED_CONTEXT.test(normalized)) return undefined;
  const text = withoutIdioms(normalized);
  // Self-harm and gender violence are checked before 112 so that "mi pareja me pega" gets the 016
  // answer (which also gives 112) rather than only 112.
  for (const intent of ['emergencia.024', 'emergencia.016', 'emergencia.112'] as const) {
    const rules = RULES[intent];
    for (let index = 0; index < rules.length; index += 1) {
      const rule = rules[index];
      if (rule !== undefined && rule.test(text)) return { intent, rule: `${intent}#${index}` };
    }
  }
  return undefined;
}

/** True when the text contains one of the known false-alarm idioms (vetoes classifier-only alarms). */
export function isSafetyIdiom(normalized: string): boolean {
  return ANY_IDIOM.test(normalized);
}
