/**
 * Danger concepts: a hand-written lexicon, per concept and for the five languages at once, of the
 * words people use when someone is in danger (breathing, bleeding, unconsciousness, fire, weapons,
 * hitting, threats, killing and dying, stalking and control, fear, self-harm, ending one's life,
 * a missing child…), with morphology written into the stems (Spanish/Galician enclitics, Catalan
 * clitics, Basque case and aspect suffixes).
 *
 * Why: the classifier learns from a corpus in which relatives and third persons ("mi madre",
 * "my son", "nire senarra") appear mostly in emergencies, so on its own it raises alarms on
 * ordinary questions asked for a mother or a son. A concept is required before the classifier may
 * alarm at all, so relatives and on-behalf-of frames only add weight next to a danger. The list is
 * written from situations, deliberately wide (recall first); the classifier decides among texts
 * that have a concept, and figurative uses ("me muero de risa") are its job and the idioms'.
 *
 * Text is `normalizeText` output (lower case, no accents, ñ → n, ç → c). Entries are words and
 * multi-word phrases; `~` ends a stem. Matching walks the words once (see `scan`).
 */

/** The concept names (stable: they become model features and appear in tests). */
export const DANGER_CONCEPTS = [
  'breathing',
  'unconscious',
  'medical',
  'bleeding',
  'poison',
  'fire',
  'accident',
  'violence',
  'weapon',
  'threat',
  'death',
  'stalking',
  'sexual',
  'fear',
  'selfharm',
  'despair',
  'method',
  'missing',
  'robbery',
  'help',
  'control',
  'farewell',
  'situation',
] as const;

export type DangerConcept = (typeof DANGER_CONCEPTS)[number];

/** Word alternatives; `~` at the end of an entry means "this stem plus any letters". */
const LEXICON: Readonly<Record<DangerConcept, readonly string[]>> = {
  breathing: [
    // es / gl / ca
    'respir~', 'ahog~', 'asfixi~', 'atragant~', 'afog~', 'afoga~', 'ofeg~', 'ennueg~', 'no le entra aire', 'no le entra el aire', 'sin aire', 'falta de aire',
    'se pone morad~', 'labios morados', 'se esta poniendo azul', 'se ha puesto azul', 'beizos morados', 'llavis morats',
    // eu
    'arnas~', 'itotzen', 'ito da', 'ito egin', 'itoko', 'itota', 'airerik ez',
    // en
    'breath~', 'choke', 'choked', 'choking', 'suffocat~', 'drown~', 'turning blue', 'gone blue', 'lips are blue', 'lips blue', 'wheez~',
    'no le noto respirar', 'gasp~', 'eztarria itxi~', 'ahoa urdin~', 'no puede tragar', 'throat is closing', 'throat closing',
  ],
  unconscious: [
    'inconscien~', 'desmay~', 'desmai~', 'desplom~', 'sin conocimiento', 'perdido el conocimiento', 'perdio el conocimiento', 'sen coñecemento', 'sen conecemento', 'coneixement',
    'no responde', 'no reacciona', 'no se mueve', 'no contesta', 'no se despierta', 'no abre los ojos', 'no vuelve en si',
    'no respon', 'no es mou', 'no obre els ulls', 'no es desperta',
    'non responde', 'non reacciona', 'non se move', 'non abre os ollos', 'non esperta', 'non contesta',
    'convulsi~', 'epilep~', 'ataque epileptico',
    'konorte~', 'zorabi~', 'ez du erantzuten', 'ez da mugitzen', 'ez ditu begiak', 'ez da esnatzen', 'kordea galdu', 'lurrean etzanda', 'lurrera erori', 'erori egin da', 'erori da', 'eroria', 'erorita',
    'unconscious', 'unresponsive', 'fainted', 'collapsed', 'passed out', 'not responding', 'not moving', 'wont wake', "won't wake", 'doesnt wake', "doesn't wake", 'not waking', 'seizure', 'lifeless',
    'se ha caido', 'se cayo', 'se ha caigut', "s'ha caigut", 'caeu', 'caiu', 'fell down', 'has fallen', 'had a fall',
    // widened by situation (issue 11): no pulse, limp, blacked out, not answering, in the five languages
    'sin pulso', 'no tiene pulso', 'no le encuentro el pulso', 'no da senales', 'no me habla', 'sense pols', 'no te pols', 'sen pulso', 'non ten pulso', 'non fala', 'pultsu~', 'erreakzion~', 'ez dit hitz egiten', 'ez du hitz egiten',
    'no pulse', 'limp', 'blacked out', 'keeled over', 'out cold', "won't answer me", 'wont answer me', "won't respond", 'wont respond', 'bottom of the stairs',
  ],
  medical: [
    'infart~', 'ictus', 'derrame cerebral', 'dolor en el pecho', 'dolor de pecho', 'dolor fuerte en el pecho', 'le duele el pecho', 'me duele el pecho', 'boca torcida', 'cara torcida', 'no puede hablar', 'no puedo mover', 'paraliz~',
    'dolor al pit', 'mal al pit', 'dor no peito', 'doeme o peito', 'doelle o peito', 'no pot parlar', 'non pode falar',
    'bihotzeko', 'bularrean min', 'bularreko min', 'ezin du hitz egin', 'ezin du mugitu',
    'heart attack', 'stroke', 'chest pain', 'pain in my chest', 'face drooping', 'slurred', 'cant move', "can't move", 'cannot move', 'anaphyla~', 'allergic reaction', 'reaccion alergica', 'shock anafil~',
    'hinchando', 'hinchado la cara', 'se le cierra la garganta', 'inchandose', 'inflant', 'hantura', 'puztu',
    'golpe en la cabeza', 'cop al cap', 'golpe na cabeza', 'buruan kolpe', 'hit his head', 'hit her head', 'head injury',
    'se ha quemado', "s'ha cremat", 'queimouse', 'erre egin da', 'burned himself', 'burned herself', 'electrocut~', 'electrocuto',
  ],
  bleeding: [
    'sangr~', 'sangue', 'sang', 'sagn~', 'hemorr~', 'herid~', 'ferid~', 'ferit~', 'odol~', 'zauri~', 'bleed~', 'blood', 'wound~', 'injur~', 'cut open', 'corte profundo', 'tall profund', 'corte fondo',
  ],
  poison: [
    'sobredos~', 'gaindos~', 'overdos~', 'intoxica~', 'intoxika~', 'envenen~', 'enverin~', 'envelen~', 'pozoi~', 'poison~', 'lejia', 'lleixiu', 'lixivia', 'bleach',
    'se ha tomado todas', 'se ha tomado un bote', 'se ha bebido', 'se ha tragado', "s'ha pres", "s'ha empassat", 'tomou todas', 'traguei', 'tragou', 'irentsi', 'swallowed', 'coma etilico',
    'lavavajillas', 'friegaplatos', 'rentaplats', 'lavalouzas', 'garbigailu~', 'ontzi-garbigailu~', 'dishwasher', 'washing up liquid', 'liquido de fregar', 'pila de boton', 'pilas de boton', 'pila de boto', 'pila de botón', 'bateria de boton', 'kapsula~', 'detergente', 'detergent', 'button batter~', 'battery', 'capsule~', 'pods', 'too many pills', 'too many tablets', 'drowsy', 'demasiadas pastillas', 'massa pastilles', 'demasiadas pastillas', 'moitas pastillas',
  ],
  fire: [
    'incendi~', 'fuego', 'llamas', 'humo', 'ardiendo', 'arde', 'quemando', 'se quema', 'foc', 'flames', 'fum', 'cremant', 'lume', 'lapas', 'chamas', 'fume', 'ardendo', 'queimando', 'queima',
    'sute~', 'sua dago', 'sua hartu', 'sutan', 'su eman', 'suak', 'kea', 'ke beltz', 'erretzen', 'su hartu', 'fire', 'flames', 'smoke', 'burning', 'on fire',
    'olor a gas', 'huele a gas', 'fuga de gas', 'olor de gas', 'fuita de gas', 'cheira a gas', 'gas ihes', 'gas usain', 'gas leak', 'smell of gas', 'smells of gas', 'explosi~', 'leherketa', 'lehertu da', 'explot~', 'estallido',
    'smoke alarm', 'burning smell', 'smells of burning', 'smell of burning', 'blaze', 'alight', 'huele a quemado', 'olor a quemado', 'fa olor de cremat', 'cheira a queimado', 'erre usaina', 'garrak', 'garretan', 'garrez', 'kiskal~',
  ],
  accident: [
    'accident~', 'atropell~', 'atropel~', 'arroll~', 'choque', 'chocado', 'han chocado', 'chocar', 'estrell~', 'volcado', 'xoc~', 'atrapad~', 'atrapat~', 'atrapados',
    'istripu~', 'harrapa~', 'talka~', 'crash~', 'run over', 'ran over', 'hit by a', 'knocked down', 'trapped', 'pile up', 'car wreck',
    'plough~', 'plow~', 'drove into', 'crashed into', 'smashed into', 'under a car', 'underneath', 'embest~', 'envest~', 'arrollad~', 'levou por diante', 'azpian geratu', 'azpian harrapatu~', 'kotxe baten azpian', 'auto baten azpian', 'debajo del coche', 'sota el cotxe', 'debaixo do coche',
  ],
  violence: [
    'pega', 'pegan', 'pegar', 'pegado', 'pego', 'pegando', 'pegame', 'pegoume', 'pegou', 'pegarme', 'pegarte', 'pegarle', 'pegou', 'me pegue', 'pegant', 'pegat', 'm\'ha pegat',
    'golpe~', 'golpea~', 'agred~', 'agresi~', 'agresor~', 'atac~', 'ataca', 'paliza', 'pallissa', 'malleira', 'malleir~', 'maltrat~', 'maltract~', 'bofetad~', 'punetazo~', 'patada~', 'patadas', 'empuj~', 'empeny~', 'empenta', 'empurr~', 'colpeja~', 'cops', 'bateme', 'bateume', 'bateu', 'bater', 'labazad~', 'couce~', 'estrangul~', 'estrangula', 'ofegar-me',
    'jo egiten', 'jotzen', 'jo nau', 'jo ninduen', 'jo zuen', 'jo du', 'jo ditu', 'jo zidan', 'jo nahi', 'kolpe~', 'eraso~', 'tratu txar~', 'zaplazteko~', 'ostik~', 'bultza~', 'belarrondoko~', 'lepotik',
    'hit', 'hits', 'hitting', 'beat', 'beats', 'beating', 'beaten', 'punch~', 'slap~', 'kick~', 'attack~', 'assault~', 'abus~', 'shov~', 'pushed', 'strangl~', 'hurt~', 'violent~', 'violen~', 'bruis~', 'moraton~', 'morat', 'negrat', 'ubeldura', 'ubel~',
    'slamm~', 'throttl~', 'smack~', 'thump~', 'battered', 'battering', 'choked me', 'chokes me', 'heldu ninduen', 'estutu ninduen', 'estutu~', 'agarro del cuello', 'me agarro', "em va agafar", 'agarroume', 'polo pescozo', 'pel coll', 'del cuello', 'by the throat', 'by the neck',
  ],
  weapon: [
    'cuchill~', 'navaj~', 'pistol~', 'arma', 'armas', 'armado', 'armada', 'armados', 'escopet~', 'machete', 'disparo~', 'dispar~', 'tiros', 'tiroteo', 'tiro', 'apunal~', 'punal~', 'ganivet~', 'navall~', 'armat', 'armes', 'trets', 'apunyal~', 'coitel~', 'balas', 'bala',
    'labana~', 'aizto~', 'nabaja~', 'armak', 'armarekin', 'armaz', 'tiro~', 'fusil~', 'kaniket~', 'knife', 'knives', 'gun', 'guns', 'gunshot~', 'pistol', 'weapon~', 'shot', 'shoot~', 'stab~', 'blade', 'rifle', 'firearm',
  ],
  threat: [
    'amenaz~', 'amenac~', 'ameaz~', 'mehatx~', 'threat~', 'menaca', 'chantaj~', 'xantatge', 'chantax~', 'xantai~', 'blackmail~', 'coaccion~',
  ],
  death: [
    'matar~', 'matarme', 'matarte', 'matarla', 'matarlo', 'matara', 'mataria', 'me mata', 'me matas', 'me mate', 'me matara', 'matare', 'mataré', 'matou', 'matarei', 'matara', 'matal', "matar-me", 'em matara', 'et matare', 'vaime matar',
    'muert~', 'morir~', 'muero', 'muera', 'morirme', 'mort', 'morta', 'morts', 'morte', 'morrer~', 'morro', 'morra', 'asesin~', 'assassin~', 'asasin~',
    'hil nahi', 'hil egin', 'hil nauela', 'hil nazala', 'hil zaitez', 'hil da', 'hil du', 'hil dut', 'hil behar', 'hilko', 'hiltzea', 'hiltzen', 'hilda', 'hilik', 'hildakoa', 'hilketa~', 'hilgo', 'hil nahi', 'hil egingo', 'heriotz~', 'kill~', 'murder~', 'die', 'dying', 'dead', 'death', 'died',
  ],
  stalking: [
    'persig~', 'persegu~', 'acos~', 'assetj~', 'me sigue', 'me sigui', 'me segueix', 'me seguia', 'me esta siguiendo', 'sigueme', 'seguindo', 'me vigila', 'vigila el', 'em vigila', 'vixia', 'vixilame',
    'controla', 'controlar', 'controlando', 'me controla', 'em controla', 'controlame', 'me revisa', 'revisa mi movil', 'mira mi movil', 'mira el meu mobil', 'mira o meu mobil', 'me quita el movil', 'no me deja salir', 'no me deja ver', 'no me deja hablar', 'no em deixa sortir', 'non me deixa saír', 'non me deixa sair', 'encerrad~', 'tancada', 'pechada', 'aislad~', 'aillada', 'illada', 'celos~', 'gelos~', 'posesiv~', 'possessiu', 'spyware',
    'jazar~', 'atzetik', 'jarraitzen', 'jarraika', 'kontrolatzen', 'kontrola~', 'ez nau uzten', 'ez dit uzten', 'giltzape~', 'isolatu~', 'jeloskor~', 'zelo~', 'mugikorra begiratzen', 'mugikorra kendu',
    'stalk~', 'following me', 'follows me', 'followed me', 'harass~', 'controls', 'controlling', 'won\'t let me', 'wont let me', 'doesn\'t let me', 'locks me', 'locked me', 'isolat~', 'jealous~', 'checks my phone', 'tracks my', 'tracking my',
  ],
  sexual: [
    'viol~', 'abus~', 'forz~', 'tocamiento~', 'me toca', 'me tocaba', 'sexual~', 'sexo', 'sexe', 'violad~', 'bortxa~', 'abusatu~', 'sexu~', 'behartzen', 'rape', 'touched me', 'touches me', 'molested', 'forcing me', 'forced me', 'forcat', 'em forca', 'raped', 'raping', 'forced', 'forces me', 'groped',
    'biluzi~', 'argazki biluzi~', 'fotos desnuda', 'fotos desnudo', 'fotos despullada', 'fotos espida', 'nudes', 'naked photos', 'intimate pictures',
  ],
  fear: [
    'miedo', 'asustad~', 'aterrad~', 'aterroritz~', 'panico', 'peligro', 'tinc por', 'fa por', 'molta por', 'quina por', 'amb por', 'tenc por', 'espantad~', 'perill~', 'medo', 'perigo', 'arreceo',
    'beldur~', 'ikara~', 'izutu~', 'izututa', 'izuturik', 'arrisku~', 'scared', 'afraid', 'terrified', 'frighten~', 'fear~', 'danger~', 'unsafe', 'not safe',
  ],
  selfharm: [
    'autolesi~', 'cortarme', 'me corto', 'me corte', 'cortes en', 'tallar-me', 'em tallo', 'tallarme', 'cortarme', 'hacerme dano', 'fer-me mal', 'facerme dano', 'me hago dano', 'neure buruari', 'nire buruari', 'ebakiak',
    'self harm', 'self-harm', 'selfharm', 'cut myself', 'cutting myself', 'hurt myself', 'hurting myself', 'harm myself', 'burn myself', 'quemarme', 'cremar-me', 'queimarme',
  ],
  despair: [
    'suicid~', 'suizid~', 'buruaz beste', 'bere buruaz', 'neure buruaz', 'quitarme la vida', 'quitarse la vida', 'treure\'m la vida', 'treure-me la vida', 'quitarme a vida', 'acabar con todo', 'acabar con mi vida', 'acabar amb tot', 'acabar amb la meva vida', 'acabar con todo', 'rematar con todo', 'poner fin', 'posar fi',
    'no quiero seguir', 'no quiero vivir', 'no quiero estar', 'no quiero despertar', 'no vull viure', 'no vull seguir', 'no vull continuar', 'no vull estar', 'no vull despertar', 'non quero vivir', 'non quero seguir', 'non quero estar', 'non quero espertar',
    'no aguanto', 'no puedo mas', 'no puc mes', 'no ho aguanto', 'non aguanto', 'non podo mais', 'no soporto', 'no suporto', 'non soporto',
    'sin sentido', 'ningun sentido', 'no tiene sentido', 'sense sentit', 'no te sentit', 'sen sentido', 'non ten sentido', 'ningun sentido', 'no vale la pena', 'no val la pena', 'non paga a pena',
    'mejor sin mi', 'mejor si no estuviera', 'mejor muerto', 'mejor muerta', 'millor sense mi', 'millor si no hi fos', 'mellor sen min', 'mellor se non estivese', 'estorbo', 'nadie me echaria de menos', 'ningu em trobaria a faltar', 'ninguen me botaria de menos',
    'desaparecer', 'desapareixer', 'desaparecer para siempre', 'dormir para siempre', 'dormir per sempre', 'no despertar', 'no despertarme',
    'despedir-me', 'despedirme de todos', 'adios a todos', 'adeu a tothom', 'adeus a todos', 'carta de despedida',
    'sin salida', 'sense sortida', 'sen saida', 'no hay salida', 'desesper~', 'me siento vacio', 'em sento buit', 'sintome baleiro', 'soy una carga', 'soc una carrega', 'son unha carga', 'hundid~', 'enfonsad~', 'afundid~',
    'bizitzeko gogo~', 'bizitzari amaiera', 'bizitza amaitu', 'bizitzarekin amaitu', 'bizitza kendu', 'ez dut bizi nahi', 'zentzurik gabe', 'ebakiak', 'ebakitzen', 'bizi nahi', 'jarraitu nahi', 'ezin dut gehiago', 'ez dut gehiago', 'ez du zentzu', 'zentzurik', 'desagertu~', 'agur esan', 'azken agur', 'esnatu nahi', 'karga bat', 'zama bat', 'etsi~', 'hutsik',
    'kill myself', 'end my life', 'end it all', 'end it', 'take my life', 'take my own life', 'don\'t want to live', 'dont want to live', 'don\'t want to be here', 'dont want to be here', 'don\'t want to wake', 'dont want to wake', 'not want to be alive', 'want to die', 'wanna die', 'no point', 'pointless', 'better off without me', 'burden', 'can\'t go on', 'cant go on', 'can\'t take it', 'cant take it', 'can\'t do this anymore', 'cant do this anymore', 'disappear', 'goodbye to everyone', 'say goodbye', 'no way out', 'hopeless~', 'worthless', 'empty inside', 'give up on life',
    // widened by situation (issue 11): not making it, trying again, apologising for everything, hoarding pills, giving things away
    'no me veo', 'no em veig', 'non me vexo', "don't see myself", 'dont see myself', 'making it to', 'make it through', 'llegar a manana', 'arribar a dema', 'chegar a mana', 'bihar arte',
    'volver a intentarlo', 'intentarlo otra vez', 'tornar-ho a intentar', 'volvelo a intentar', 'berriro saiatu~', 'try again', 'tried last', 'tried before',
    'perdon por todo', 'lo siento por todo', 'perdonadme', 'perdoneu-me', 'ho sento per tot', 'perdon por todo', 'sinto todo', 'perdoade', 'barkatu dena', 'barkatu guztia', 'barkatu denoi', 'sorry for everything', 'forgive me',
    'guardando las pastillas', 'guardando pastillas', 'acumulando pastillas', 'guardant les pastilles', 'gardando as pastillas', 'pilulak gorde~', 'pastillak gorde~', 'stockpil~', 'hoard~', 'saving up my pills', 'saving my pills',
    'regalando mis cosas', 'regalo mis cosas', 'repartido mis cosas', 'regalant les meves coses', 'regalando as miñas cousas', 'gauzak banatu', 'gauzak oparitu', 'giving away', 'gave away', 'given away', "won't need", 'wont need', 'no las voy a necesitar', 'ya no las necesito', 'ez ditut beharko', 'ja no les necessitare', 'xa non as vou necesitar',
    'last time', 'hear from me', 'la ultima vez', "l'ultima vegada", 'a ultima vez', 'azken aldia',
    'remato con todo', 'rematar con todo', 'acabo con todo', 'ho acabo tot', 'acabar-ho tot', 'dena bukatu', 'end things', 'ending things', 'nothing left', 'no future', 'no hay futuro', 'sense futur', 'sen futuro', 'etorkizunik', "can't cope", 'cant cope', 'tired of it all',
    'eutsi~', 'aurrera egiteko', 'niretzako tokirik', 'niretzat tokirik', 'no hay sitio para mi', 'no hi ha lloc per a mi', 'non hai sitio para min', 'no place for me', 'nadie lo notaria', 'nadie se daria compte', 'ningu ho notaria', 'nobody would notice', 'no one would notice', 'nobody would even notice',
    'entierro', 'enterrament', 'enterro', 'hileta~', 'funeral', 'me rindo', 'em rendeixo', 'rendome', 'im done', "i'm done", 'tonight is the night', 'ez dut bizirik', 'bizirik egon', 'alive anymore', 'me quedan fuerzas', 'quedan fuerzas', 'queden forces', 'quedan forzas', 'indarrik geratzen', 'strength left', 'perdoname', 'perdoame', 'no es culpa de nadie', 'no es culpa de ningu', 'non e culpa de ninguen', 'ez da inoren errua', "nobody's fault", 'nobodys fault',
    'cuando leais esto', 'cuando leas esto', 'quan llegiu aixo', 'quan llegeixis aixo', 'cando leades isto', 'cando leas isto', 'irakurtzen duzuenean', 'irakurtzen duzunean', 'when you read this', 'by the time you read', "i'll be gone", 'ill be gone',
    'drive into', 'driving into', 'drive off', 'driving off', 'contra un arbol', 'contra un arbre', 'contra unha arbore', 'zuhaitz baten kontra', 'contra un muro', 'into a tree',
  ],
  method: [
    'tirarme', 'tirarse', 'tirar-me', 'llancar-me', 'llencar-me', 'saltar', 'salto', 'saltar del', 'saltar desde', 'jump~', 'puente', 'pont', 'da ponte', 'na ponte', 'desde a ponte', 'dende a ponte', 'zubi~', 'bridge', 'azotea', 'terrat', 'terraza', 'tejado', 'balcon', 'ventana', 'finestra', 'fiestra', 'teilatu~', 'balkoi~', 'leiho~', 'roof', 'window', 'ledge', 'cornisa',
    'las vias', 'les vies', 'as vias', 'trenbide~', 'tracks', 'vias del tren', 'acantilado', 'penya-segat', 'cantil', 'itsaslabar~', 'cliff',
    'pastillas', 'pastilles', 'pastilla', 'comprimid~', 'pilul~', 'pastill~', 'pills', 'tablets', 'sleeping pills', 'somniferos', 'somnifers', 'cuerda', 'corda', 'soka~', 'rope', 'ahorcar~', 'penjar-me', 'aforcar~', 'urkatu~', 'hang myself', 'hanging', 'cuchilla', 'fulla d\'afaitar', 'razor', 'veneno', 'veri', 'velen~',
  ],
  missing: [
    'desaparecid~', 'desaparegu~', 'desaparecido', 'no aparece', 'no apareix', 'non aparece', 'no lo encuentro', 'no la encuentro', 'no encuentro a mi', 'no trobo', 'non o atopo', 'non a atopo', 'non atopo', 'se ha perdido un', 'se ha perdido una', 'se ha perdido mi', "s'ha perdut", 'perdeuse', 'se ha escapado', 'no ha vuelto', 'no ha tornat', 'non volveu', 'no ha llegado', 'no ha arribat', 'non chegou', 'solo en el coche', 'sol al cotxe', 'so no coche', 'sola en el coche',
    'desagertu~', 'ez dut aurkitzen', 'ez da itzuli', 'ez da agertu', 'galdu egin da', 'galdu da', 'autoan bakarrik', 'missing', 'can\'t find my', 'cant find my', 'hasn\'t come back', 'hasnt come back', 'not come home', 'alone in the car', 'alone in a car', 'wandered off', 'lost child',
    'vanish~', 'dementia', 'alzheimer~', 'dementzi~', 'wandered', "can't find him", "can't find her", 'cant find him', 'cant find her', 'no sign of', 'no hay rastro', 'ni rastro', 'ni rastre', 'nin rastro', 'inon ez', 'ez dago inon', 'ez dugu inon', 'ha desaparegut', 'ha desaparecido',
  ],
  robbery: [
    'robar~', 'robando', 'robado', 'roban', 'robo', 'atracar~', 'atraco~', 'atracando', 'atracat~', 'ladron~', 'lladre~', 'entrando en mi casa', 'entrando en casa', 'forzando la puerta', 'intruso~', 'robant', 'robat', 'entrant a casa', 'roub~', 'entrando na casa', 'forzando a porta',
    'lapur~', 'etxean sartu', 'etxera sartu', 'atea bortxa', 'rob', 'robbing', 'robbed', 'robbery', 'mugg~', 'burglar~', 'break in', 'breaking in', 'broke in', 'intruder~', 'someone in my house', 'someone in the house',
    'smash~', 'kicking the door', 'kicking my door', 'forcing the door', 'holding up', 'hold up', 'held up', 'at gunpoint', 'demanding money', 'pidiendo dinero', 'dirua eskatzen', 'forcant la porta', 'forçant la porta', 'forzando a porta', 'atea behartzen', 'leihotik sartu~',
  ],
  help: [
    'socorro', 'auxilio', 'ayudenme', 'ayudadme', 'ayuda por favor', 'ayuda porfa', 'ayudame por favor', 'que alguien me ayude', 'socors', 'auxili', 'ajudeu-me', 'ajuda si us plau', 'axudademe', 'axuda por favor', 'lagundu mesedez', 'lagundu arren', 'laguntza mesedez', 'lagun iezadazu', 'help me', 'help please', 'please help', 'someone help',
    'ambulancia', 'anbulantzia', 'ambulance', 'bomberos', 'bombers', 'bombeiros', 'suhiltzaile~', 'fire brigade', 'paramedic~', 'emergencia', 'emergencias', 'emergencia~', 'emerxencia', 'larrialdi~', 'emergency',
  ],

  control: [
    // es
    'insult~', 'humill~', 'despreci~', 'me grita', 'grita', 'gritos', 'gritando', 'gritarme', 'me quita', 'me quito', 'me obliga', 'me obligan', 'obliga a', 'prohib~', 'pedirle permiso', 'castig~', 'espia', 'espiar', 'espiando', 'me lee', 'lee mis', 'me tira', 'tira cosas', 'zarande~', 'estampad~', 'estampado', 'muerde', 'pellizc~', 'guantazo', 'tortazo', 'del pelo', 'arrastr~', 'me trate', 'me trata', 'no valgo nada', 'no soy nadie', 'estoy loca', 'me invento', 'tiemblo', 'no me siento segura', 'no me siento seguro', 'escondid~', 'esconden', 'me escondo', 'escapado', 'escaparme', 'escapar de', 'me busca', 'nos busca', 'quiere encontrar', 'me espera', 'se presenta', 'aparece en mi', 'fotos intimas', 'fotos mias', 'desnud~', 'drogaron', 'me drog~', 'a la fuerza', 'prostitu~', 'cuando no quiero', 'que no quiero', 'me tienen los papeles', 'echado de casa', 'me ha echado', 'hacerme algo', 'protegerme', 'dependo de el', 'si me voy', 'si le dejo', 'si le denuncio', 'acabara conmigo', 'me voy a enterar', 'rajar', 'quemar mi', 'orden de alejamiento', 'se ha saltado la orden', 'no me deja en paz', 'perfiles falsos', 'mensajes al dia', 'me cronometra', 'permiso para',
    // ca
    'em crida', 'crits', 'm\'insulta', 'em pren', 'em treu', 'm\'obliga', 'demanar permis', 'em llegeix', 'em llenca', 'dels cabells', 'arrossega~', 'mossega~', 'pessiga~', 'no valc res', 'no soc ningu', 'estic boja', 'tremolo', 'no em sento segura', 'no em sento segur', 'amagad~', 'amagat', 'escapat', 'escapar-me', 'em busca', 'em vol trobar', 'm\'espera', 'es presenta', 'fotos intimes', 'despullad~', 'per la forca', 'a la forca', 'fora de casa', 'fer-me alguna cosa', 'protegir-me', 'depenc d\'ell', 'si el deixo', 'si el denuncio', 'acabara amb mi', 'ordre d\'allunyament', 'no em deixa en pau', 'perfils falsos',
    // gl
    'insultame', 'berra', 'berros', 'berrame', 'quitame', 'quitoume', 'obrigame', 'obriga a', 'pedirlle permiso', 'leme', 'le as mensaxes', 'tirame', 'tiroume', 'do pelo', 'arrastrou~', 'mordeme', 'belisca~', 'non valgo nada', 'non son ninguen', 'estou tola', 'tremo', 'non me sinto segura', 'non me sinto seguro', 'agochad~', 'agochome', 'escapei', 'escaparme', 'buscame', 'quere atoparme', 'esperame', 'presentase', 'fotos intimas', 'espida', 'a forza', 'botoume', 'facerme algo', 'protexerme', 'dependo del', 'se o deixo', 'se o denuncio', 'acabara comigo', 'orde de afastamento', 'non me deixa en paz',
    // eu
    'irain~', 'umilia~', 'gutxiets~', 'oihu~', 'garrasi~', 'kentzen dit', 'kendu dit', 'kentzen dizkit', 'kendu dizkit', 'behartzen nau', 'behartu nau', 'debek~', 'baimena eskatu', 'zigor~', 'zelata~', 'irakurtzen dizkit', 'iletik', 'arrastaka', 'koska~', 'ez naizela ezer', 'ez naiz inor', 'eroa nagoela', 'dardar~', 'ez naiz seguru', 'ez nago seguru', 'ezkutatu~', 'ezkutuan', 'ihes egin', 'bila dabil', 'aurkitu nahi nau', 'itxaroten nau', 'zain dago', 'agertzen da', 'argazki intim~', 'biluzik', 'indarrez', 'etxetik bota', 'zerbait egingo', 'babestu~', 'menpe', 'uzten badut', 'salatzen badut', 'nirekin amaitu', 'urruntze agindu~', 'ez nau bakean uzten', 'profil falts~',
    // en
    'insult~', 'humiliat~', 'belittl~', 'calls me names', 'calls me useless', 'scream~', 'shout~', 'yell~', 'takes my', 'took my', 'makes me', 'forbid~', 'permission', 'punish~', 'spies', 'spy on', 'spying', 'reads my', 'reads all my', 'threw me', 'throws things', 'pulled my hair', 'dragg~', 'bit me', 'bites me', 'pinch~', 'grab~', 'i\'m nothing', 'im nothing', 'i\'m crazy', 'making things up', 'i shake', 'don\'t feel safe', 'dont feel safe', 'hiding', 'run away', 'ran away', 'looking for us', 'looking for me', 'find me', 'waits for me', 'waiting for me', 'waiting outside', 'turning up', 'turns up', 'shows up', 'intimate photos', 'naked', 'nude~', 'spiked', 'drugged', 'against my will', 'prostitut~', 'kicked me out', 'do something to me', 'protect myself', 'depend on him', 'if i leave', 'if i report', 'finish me off', 'restraining order', 'leave me alone', 'fake profiles', 'tracker', 'keep tabs', 'knows where i live', 'banging', 'escape from',

    // ca, gl, eu: situations of all three lines (gate only: the concept name is approximate)
    // ca (more situations)
    'pit', 'braç', 'paraules', 'tallat', 'clavat', 'begut', 'crema', 'ences~', 'pudor de gas', 'gas obert', 'bolcat', 'encastat~', 'forcar', 'rebent~', 'vidre', 'm\'estan seguint', 'doni tot', 'tornavis', 'matxet', 'baralla', 'batussa', 'no sabem on es', 'perdut de vista', 'tancat dins', 'tancat al cotxe', 'plorant', 'endoll', 'enfonsant', 'el corrent', 'caigut', 'no s\'aixeca', 'maluc', 'no obre la porta', 'escanyat', 'sense aire', 'absent', 'no em contesta', 'no em respon', 'no desperta', 'suant',
    'quina roba', 'ubicacio', 'em va prendre', 'm\'exigeix', 'contrasenyes', 'em truca', 'm\'ha tret', 's\'enfada', 'no em deixa', 'em tanca', 'llenc~', 'sense menjar', 'allunyant', 'no tinc ningu', 'm\'estimara', 'isca de casa', 'inutil', 'puta', 'humili~', 'grassa', 'fastic', 'menyspre~', 'culpa meva', 'provoco', 'cremara', 'traura', 'ningu em creura', 'trenca', 'al coll', 'no seras de ningu', 'viva', 'm\'ho fara pagar', 'de la meva vida', 'em segueix', 'a tot arreu', 'numeros ocults', 'no marxa', 'localitzador', 'remenat', 'ronda per', 'al llit', 'em va forcar', 'obligacio', 'blaus', 'm\'agafa', 'empes', 'cadira', 'trau', 'cop de cap', 'inflat', 'inflada', 'pel coll', 'tremolar', 'panic', 'es capac', 'separar-me', 'preso', 'aterrid~', 'fora de si', 'trencat', 's\'amaguen', 'cridar', 'fer mal', 'faci mal', 'espantats', 'on anar', 'fugir', 'ens esta buscant', 'amagar-me', 'estomac~', 'hostia',
    'si jo no hi fos', 'sense mi', 'despertar-me', 'cap sortida', 'continuar', 'nascut', 'lluitar', 'no em desperto', 'aguantar', 'no estiguera', 'em lligui', 'hauria de seguir', 'quin sentit', 'sentit te', 'viure', 'existis', 'em sobra', 'sobro', 'ningu ho notaria', 'arribi a dema', 'llevar-me la vida', 'treure la vida', 'treure\'s la vida', 'es el moment', 'analgesic~', 'prendre-me\'ls', 'andana', 'les cartes', 'tot preparat', 'ho fare', 'estimbar~', 'l\'ultim dia', 'farmaciola', 'avui es el dia', 'obert el gas', 'alcada', 'mortal', 'acabar-ho tot', 'ho vaig intentar', 'temptativa', 'talls', 'encenedor', 'a mi mateixa', 'contra la paret', 'a proposit', 'expressament', 'quan jo no hi sigui', 'culpa seva', 'no us molestare', 'no el podre cuidar', 'testament', 'anar-me\'n', 'ho deixa tot', 'motius per viure', 'cansada de viure', 'cansat de viure', 'tot li sobra', 'ja no hi sera', 'mirant l\'aigua', 'soc aqui', 'em torno a tallar', 'es talla',
    // gl (more situations)
    'peito', 'brazo', 'palabras', 'crise de asma', 'engasgou~', 'tusir', 'ausente', 'non me contesta', 'non desperta', 'suando', 'aperta~', 'queixada', 'media cara', 'non se entende', 'bebedo', 'case o arranco', 'cravou~', 'tesoiras', 'bote enteiro', 'xabon', 'mareos', 'estufa', 'cheiro a gas', 'gas aberto', 'asubiar', 'deu a volta', 'empotrad~', 'levou por diante', 'levaba por diante', 'rebentando', 'cristal', 'fedell~', 'pechadura', 'arrincar~', 'tiraronme', 'detras mina', 'lles dea todo', 'pegarlle', 'desaparafusador', 'liorta', 'pelexa', 'botellas rotas', 'non sabemos onde', 'perdin de vista', 'pechado dentro', 'pechado no coche', 'so pola', 'chorando', 'afundindose', 'a corrente', 'non abre a porta', 'caeu', 'caeulle', 'envorcou', 'gabia', 'levouno', 'velina', 'non o vemos',
    'cartos', 'controlao', 'que roupa', 'esixeme', 'contrasinais', 'chamame', 'enfadase', 'non me deixa', 'pechame', 'meteu algo', 'sen comer', 'afastando', 'non teno a ninguen', 'me vai querer', 'saia da casa', 'inutil', 'puta', 'noxo', 'desprezame', 'culpa mina', 'provoco', 'queimar', 'vai quitar', 'me vai esperar', 'ninguen me vai crer', 'rompe algo', 'no meu pescozo', 'pescozo', 'non es mina', 'viva', 'rachar', 'faceme pagar', 'vaimo facer pagar', 'me atopa', 'acaba comigo', 'da mina vida', 'a mata', 'sodeme', 'segueme', 'en todas partes', 'numeros ocultos', 'non marcha', 'localizador', 'remexeu~', 'anda por aqui', 'na cama', 'obriga', 'negrons', 'agarra', 'punadas', 'cabezada', 'inchad~', 'perdo o conecemento', 'tremer', 'separar', 'por se acaso', 'sofre malos tratos', 'marcas', 'lentes de sol', 'hostia', 'fora de si', 'rompeu', 'agochanse', 'berrar', 'faga mal', 'fuxir', 'buscarnos', 'agocharme', 'pestillo', 'rompeme',
    'se eu non estivese', 'sen min', 'espertar', 'ningunha saida', 'sentido a nada', 'non ter nacido', 'loitar', 'non esperto', 'aguantar', 'me ate aqui', 'deberia seguir', 'sentido ten', 'vivir', 'existise', 'sobrame', 'sobro', 'ninguen o notaria', 'chegue a mana', 'que se acabe', 'estaria mellor', 'chegou o momento', 'analxesicos', 'tomalos todos', 'anden', 'as cartas', 'todo preparado', 'fagoo', 'o vou facer', 'nas vias', 'estrelarme', 'o ultimo dia', 'botiquin', 'hoxe e o dia', 'abrin o gas', 'altura', 'mortal', 'o intentei', 'intento', 'cortome', 'cortes', 'queimeime', 'chisqueiro', 'a min mesma', 'a proposito', 'cando eu non estea', 'culpa sua', 'vos vou molestar', 'coidar', 'testamento', 'antes de irme', 'quitarse a vida', 'cortase', 'o deixa todo', 'motivos para vivir', 'cansa de vivir', 'canso de vivir', 'se quere ir', 'despedindose', 'todo lle sobra', 'non vai estar', 'pechar os ollos', 'mais lonxe',
    // eu (more situations)
    'sua dago', 'sua ikusten', 'sua goiko', 'sua piztu', 'sua etxean', 'sua sukaldean', 'sua mendian', 'sua pisuan', 'suak hartu', 'ke asko', 'eztul', 'begiak erdi', 'bularra', 'bularrak', 'estutzen', 'bihotza', 'besoa', 'hitzak', 'mozkortuta', 'guraize~', 'izterr~', 'kaxa oso', 'xaboia', 'konbultsio~', 'gas usain~', 'gasa irekita', 'buruko min', 'irauli~', 'sartzen ari dira', 'dirua eskatzen', 'bihurkin~', 'botila hautsi~', 'borrokan', 'aurkitzen', 'non dagoen', 'nora joan den', 'itxita dago', 'negarrez', 'errepide bazterr~', 'entxufe~', 'itsatsita', 'jausi', 'ezin da jaiki',
    'jantzi', 'deitzen dit', 'uzten', 'bota zuen', 'gizenegia', 'inork ez nau', 'maiteko', 'alferrikako~', 'puta', 'gutxiesten', 'desagerrarazi~', 'erreko', 'inorena', 'hautsiko', 'aurkituko nau', 'nirekin amaituko', 'itxaroten dit', 'itxaron zidan', 'atarian', 'ez da joaten', 'mezuak bidaltzeari', 'aulki', 'burua ireki', 'jo egin nau', 'banandu', 'ez dio', 'erotuta', 'apurtu du', 'min egiten', 'ezkutatzeko', 'bota nau',
    'ni gabe', 'ez esnatzea', 'esnatzen ez banaiz', 'zertarako jarraitu', 'jarraitzea', 'jaio ez banintz', 'lotzen nauen', 'bizitzea', 'gelditzea', 'porrot', 'jarraitzeko arrazoi~', 'hiltzean', 'hiltzeko', 'hil daiteke', 'hil zen', 'urari begira', 'itzuli nahi', 'jaikitzeko arrazoi~', 'dena uzteko', 'nasan', 'trenaren', 'erabakita', 'botatzeko', 'gasa ireki', 'amildegi~', 'saiakera', 'berriro saiatzea', 'nahita', 'txiskero~', 'ez nagoenean', 'kalte guztiagatik', 'molestatuko', 'testamentu~', 'dena uzten', 'joan nahi duela', 'ez dela hemen egongo',

    // more situations, all lines (from k-fold misses, generalised to the kind of words)
    'quitar la vida', 'asma', 'paracetamol', 'gas', 'gasa', 'gasaren', 'desmall~', 'reaciona', 'no me deja', 'lee todo', 'me hace dano', 'pegao', 'encerro', 'mira con quien', 'despertarme', 'no veo salida', 'decidido', 'va en serio', 'se despide', 'no puede mas', 'quiero seguir', 'vale la pena', 'se acabara', 'acabar conmigo',
    'xiular', 'enduia', 'encara hi son', 'obrir cotxes', 'atrac~', 'agredir', 'tall', 'sap on soc', 'drama', 'canviar de numero', 'missatges', 'gravar', 'video', 'per si de cas', 'no surt de casa', 'te por', 'plorar', 'enfadat', 'estaria millor', 'atura a mirar', 'espera a la porta', 'acabar amb mi', 'veniu rapid',
    'mataba', 'matabase', 'matoume', 'perfis falsos', 'mensaxes', 'non a deixa', 'chorar', 'enfadado', 'onde ir', 'levar por diante', 'queda mirando', 'estou aqui', 'non volve', 'mobil apagado', 'vinde rapido',
    'trabatu~', 'ahotsik', 'lepoari heltzen', 'begirada galdu~', 'bihotzeko~', 'moztu~', 'erauzi', 'lixiba', 'begiak gora', 'kez', 'ke', 'erre usain~', 'txikitu~', 'kristal~', 'tirakada~', 'liskar~', 'galdu zait', 'galdu dut', 'ez da itzuli', 'itxita', 'hondoratzen', 'atea irekitzen', 'pasahitz~', 'giltzaz', 'jarri dit', 'jarri didala', 'urrundu', 'nazka', 'errua', 'probokatzen', 'itxarongo', 'sinetsiko', 'bizirik', 'ordainarazi~', 'kokagailu~', 'jarraitu zidan', 'betebehar~', 'burukada~', 'izua', 'zertarako gai', 'zaplastako~', 'alde egin', 'bortitz~', 'ez banengo', 'esnatzeko gogo~', 'irtenbide~', 'jasan', 'faltan botako', 'kitto', 'jasango', 'hemen egon nahi', 'zer zentzu', 'hobe desagertzea', 'ohartuko', 'bihar arte', 'bizia kentze~', 'analgesiko~', 'egingo dut', 'gaur da eguna', 'lo-pilula~', 'pilula', 'hilgarri~', 'saiatu nintzen', 'mozten', 'mozteko', 'ezin izango dut zaindu', 'joan baino lehen', 'bizitzeko arrazoi~', 'lurrian', 'falta sumatu~',
    'is fitting', 'shots', 'knows where i am', 'hundred messages', 'if i go', 'burn', 'burned my', 'rapes', 'reads everything', 'times a day', 'checks the mileage', 'won\'t let her', 'wasn\'t here', 'been thinking', 'answered the door', 'curtains',
  ],
  farewell: [
    // farewells only with 'everyone' or a last goodbye: a bare 'adiós' ends ordinary chats
    'despedir de todos', 'despedirme de todos', 'despido de todos', 'se despide', 'adios a todos', 'adeu a tothom', 'adeus a todos', 'agur denoi', 'agur guztiei', 'goodbye everyone', 'goodbye all', 'behartu nau', 'behartzen nau', 'behartu ninduen',
    // es
    'despido de', 'despidiendose', 'despedida', 'cansad~ de vivir', 'cansada de todo', 'cansado de todo', 'harta de todo', 'harto de todo', 'toy harta', 'ganas de vivir', 'ganas de seguir', 'para que seguir', 'para que vivir', 'mi ultima noche', 'se acabe todo', 'acabe todo', 'se acaba todo', 'se acaba hoy', 'acabara pronto', 'aguantar esto', 'dejare de ser', 'no me despierte', 'no vale nada', 'desaparez~', 'desapareciera', 'sentido a seguir', 'rendirme', 'de este mundo', 'dejar de existir', 'no existir', 'motivos para seguir', 'al limite', 'ni un dia mas', 'mi momento', 'para siempre', 'una carta', 'cartas para', 'por si no estoy', 'cuando yo no este', 'no estare', 'no estara', 'os quiero', 'he regalado', 'regalando sus cosas', 'voy a necesitar', 'la nota', 'una nota', 'nota de', 'todo listo', 'motor encendido', 'vuelto a cortar', 'se corta', 'me corto', 'mechero', 'deprimid~', 'depresion', 'no merezco', 'mejor me voy', 'infierno', 'que termine', 'todo termine', 'me da todo igual', 'no voy a estar', 'no estar aqui', 'dejar de sufrir', 'como irme', 'ultimo piso', 'mirando para abajo', 'soga', 'todo ordenado', 'cuando me encuentren', 'ultimo mensaje', 'no tengo fuerzas', 'sin fuerzas', 'que pare todo', 'no kiero seguir', 'seguir viviendo', 'seguir asi', 'irme para siempre', 'quiero irme', 'me quiero ir',
    // ca
    'acomiad~', 'cansad~ de viure', 'farta de tot', 'fart de tot', 'ganes de viure', 'per que seguir', 'per que viure', 'la meva ultima nit', 'que s\'acabi tot', 's\'acaba tot', 'deixare de ser', 'desaparegu~', 'rendir-me', 'd\'aquest mon', 'deixar d\'existir', 'no existir', 'per sempre', 'una carta', 'cartes per', 'si no hi soc', 'no hi sere', 'us estimo', 'he regalat', 'una nota', 'tot a punt', 'deprimid~', 'depressio', 'no mereixo', 'infern', 'que s\'acabi', 'tot igual', 'deixar de patir', 'ultim missatge', 'no tinc forces', 'sense forces', 'continuar vivint', 'seguir aixi', 'seguir vivint', 'marxar per sempre',
    // gl
    'despedida', 'cansad~ de vivir', 'farta de todo', 'farto de todo', 'ganas de vivir', 'para que seguir', 'para que vivir', 'a miña ultima noite', 'ultima noite', 'que se acabe todo', 'remate todo', 'deixarei de ser', 'desaparecer', 'desaparecese', 'renderme', 'deste mundo', 'deixar de existir', 'non existir', 'para sempre', 'unha carta', 'cartas para', 'se non estou', 'non estarei', 'querovos', 'regalei', 'unha nota', 'todo listo', 'deprimid~', 'depresion', 'non merezo', 'inferno', 'que remate', 'todo igual', 'deixar de sufrir', 'ultima mensaxe', 'non teno forzas', 'sen forzas', 'seguir vivindo', 'seguir asi', 'marchar para sempre',
    // eu
    'bizitzeaz nekatuta', 'dena amaitu', 'dena bukatu', 'amaitzea', 'amaitzeko', 'bukatzea', 'bukatuko', 'azken gaua', 'azken mezua', 'azken aldiz', 'ez naiz egongo', 'ez dut egongo', 'desagertu', 'mundu honetatik', 'existitzeari utzi', 'ez existitu', 'betiko', 'gutun~', 'ohar bat', 'maite zaituztet', 'oparitu ditut', 'eman ditut', 'deprimit~', 'depresio~', 'ez dut merezi', 'infernu~', 'dena berdin', 'sufritzeari utzi', 'indarrik gabe', 'indarrik ez', 'ez daukat indarrik', 'bizitzen jarraitu', 'horrela jarraitu', 'joan nahi dut', 'soberan', 'zama',
    // en
    'go on', 'carry on', 'carrying on', 'keep going', 'keep living', 'will to live', 'better if i wasn', 'better if i weren', 'tired of living', 'tired of everything', 'way out', 'not wake up', 'never wake up', 'don\'t wake up', 'this life', 'miss me', 'if i was gone', 'if i were gone', 'when i\'m gone', 'when im gone', 'my last night', 'ending it', 'end it all', 'ending my life', 'taking my life', 'take my life', 'be over', 'all be over', 'hold on', 'sleep forever', 'made up my mind', 'won\'t be a problem', 'give up', 'leave this world', 'stop existing', 'not to exist', 'not exist', 'bear this', 'no reason to', 'disappear~', 'deserve to live', 'suffering to stop', 'in the way', 'no place for me', 'letter', 'letters for', 'not around', 'given my things', 'giving his things', 'giving her things', 'my goodbye', 'it ends', 'ends today', 'last message', 'when they find me', 'throw myself', 'in front of a train', 'the note', 'a note', 'goodbye note', 'engine running', 'edge of the', 'into a wall', 'top floor', 'looking down', 'cut my', 'cuts her', 'cuts his', 'self harm~', 'self-harm~', 'bang my head', 'depress~', 'hate myself', 'better if i go', 'out of the way', 'life is hell', 'want it to end', 'want it to stop', 'wanna live', 'done with everything', 'won\'t be here', 'wont be here', 'not being here', 'what\'s the point', 'whats the point', 'point in living', 'permanently', 'pretending i\'m ok', 'better without me', 'ready to go', 'made my peace', 'it all ends', 'for good', 'nuisance', 'can\'t do this', 'cant do this', 'wish i was dead', 'wish i were dead',
  ],
  situation: [
    // es: bodies, water, heights, intruders, missing people
    'palid~', 'muy frio', 'opresion', 'aprieta el pecho', 'pinchazo', 'marea~', 'mareo', 'medio cuerpo', 'lado del cuerpo', 'mitad de la cara', 'habla raro', 'arrastra las palabras', 'las palabras', 'torcid~', 'perdido la fuerza', 'no puede levantar', 'no me puedo levantar', 'no se puede levantar', 'roto la cadera', 'me he caido', 'sudando', 'sudor frio', 'fiebre', 'de parto', 'viene ya', 'roto aguas', 'rompe aguas', 'monoxido', 'no dice cosas', 'como ido', 'diabetic~', 'hipoglu~', 'barandilla', 'no sabe nadar', 'sale del agua', 'se ha hundido', 'al agua', 'al rio', 'al mar', 'piscina', 'dado vueltas', 'de la carretera', 'gente dentro', 'alguien dentro', 'dentro de casa', 'desconocido', 'rompiendo', 'cerradura', 'han entrado', 'se han metido', 'desvalij~', 'pasamontanas', 'alzheimer', 'demencia', 'no sabemos nada', 'no lo encontramos', 'no la encontramos', 'se ha ido de casa', 'se hace de noche', 'se ha perdido', 'solo en', 'sola en', 'pidiendo ayuda', 'llevando a un', 'se lo lleva', 'se la lleva', 'morad~', 'vomit~', 'electrocut~', 'andamio', 'se ha quedado', 'no se levanta', 'en el suelo', 'tirado', 'tirada',
    // ca
    'pal·lid~', 'pallid~', 'pressio al pit', 'marej~', 'mig cos', 'meitat de la cara', 'parla estrany', 'no es pot aixecar', 'no em puc aixecar', 'febre', 'de part', 'monoxid~', 'diabetic~', 'barana', 'no sap nedar', 'a l\'aigua', 'al riu', 'al mar', 'la piscina', 'gent dins', 'algu dins', 'dins de casa', 'desconegut', 'trencant', 'pany', 'han entrat', 'no sabem res', 'no el trobem', 'no la trobem', 'sol a', 'sola a', 'demanant ajuda', 'vomit~', 'a terra', 'estirat', 'estirada',
    // gl
    'palid~', 'opresion', 'mareo', 'marea~', 'medio corpo', 'metade da cara', 'fala raro', 'non se pode erguer', 'non me podo erguer', 'febre', 'de parto', 'monoxido', 'diabetic~', 'varanda', 'non sabe nadar', 'a auga', 'ao rio', 'ao mar', 'a piscina', 'xente dentro', 'alguen dentro', 'dentro da casa', 'descoñecido', 'descon~', 'rompendo', 'fechadura', 'entraron', 'non sabemos nada', 'non o atopamos', 'non a atopamos', 'so en', 'soa en', 'pedindo axuda', 'vomit~', 'no chan', 'tirado', 'tirada',
    // eu
    'zurbil~', 'hotz~', 'bularrean', 'zorabi~', 'gorputz~', 'aurpegi~', 'arraro', 'ezin da altxatu', 'ezin naiz altxatu', 'sukar~', 'erditze~', 'haurdun~', 'monoxido~', 'diabetiko~', 'baranda~', 'ez daki igeri', 'uretara', 'ibaira', 'itsasora', 'igerileku~', 'jendea barruan', 'norbait barruan', 'etxe barruan', 'ezezagun~', 'apurtzen', 'sarraila~', 'sartu dira', 'ez dakigu ezer', 'ez dugu aurkitzen', 'bakarrik dago', 'laguntza eske', 'botaka', 'oka', 'lurrean', 'etzanda',
    // en
    'gasping', 'stuck in', 'can\'t talk', 'cant talk', 'can\'t speak', 'cant speak', 'isn\'t responding', 'isnt responding', 'isn\'t moving', 'isnt moving', 'lying still', 'won\'t open', 'doesn\'t answer', 'isn\'t answering', 'isnt answering', 'pale', 'crushing', 'chest is tight', 'tight chest', 'gone grey', 'gone gray', 'slurr~', 'arm is weak', 'face has dropped', 'garbled', 'can\'t lift', 'fit', 'having a fit', 'carbon monoxide', 'rolled over', 'off the road', 'into the river', 'into the sea', 'collision', 'forcing', 'broke into', 'stranger', 'breaking into', 'gang', 'demanding', 'shotgun', 'didn\'t come home', 'hasn\'t come home', 'nowhere', 'separated from', 'locked in', 'railing', 'the pool', 'can\'t swim', 'cant swim', 'alone in', 'screaming', 'went under', 'come up', 'sweaty', 'fever', 'stung', 'swelling', 'in labour', 'in labor', 'baby is coming', 'broke my hip', 'can\'t get up', 'cant get up', 'electric shock', 'scaffolding', 'fell off', 'fell from', 'went vacant', 'on the floor', 'on the ground', 'lying in', 'vomit~', 'lost on', 'lost in', 'is lost',
  ],
};

/** One lexicon entry as tokens; a token ending in `~` is a stem (that prefix plus any letters). */
interface Entry {
  readonly concept: DangerConcept;
  readonly tokens: readonly string[];
}

/**
 * Splits normalised text into words: runs of letters, digits, hyphens and the Catalan middle dot (every non-ASCII character counts as a letter). A hand loop: a Unicode-aware `split`
 * cost a millisecond per 10,000 characters.
 */
function tokensOf(text: string): string[] {
  const tokens: string[] = [];
  let start = -1;
  for (let index = 0; index <= text.length; index += 1) {
    const code = index < text.length ? text.charCodeAt(index) : 32;
    // Apostrophes split ("s'ofega" → "s", "ofega"), so clitics never hide a stem; entries are split alike.
    const word = (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 45 || code > 127 || (code >= 65 && code <= 90);
    if (word) {
      if (start === -1) start = index;
    } else if (start !== -1) {
      tokens.push(text.slice(start, index));
      start = -1;
    }
  }
  return tokens;
}

const plain = (entry: string): string => entry.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

/**
 * Entries indexed by their first token: exact words in one map, stems in another. Matching is a
 * word-by-word walk with map look-ups (the prefixes of each word for stems), so its cost is linear
 * in the text and independent of the lexicon's size; one big regular expression of two thousand
 * alternatives was a hundred times slower.
 */
const EXACT = new Map<string, Entry[]>();
const STEMS = new Map<string, Entry[]>();
for (const concept of DANGER_CONCEPTS) {
  for (const raw of LEXICON[concept]) {
    // Entries are written as words separated by spaces (a stem keeps its `~`).
    const tokens = plain(raw).split(/[ ']/).filter((token) => token.length > 0);
    const [first] = tokens;
    if (first === undefined) continue;
    const index = first.endsWith('~') ? STEMS : EXACT;
    const key = first.endsWith('~') ? first.slice(0, -1) : first;
    const list = index.get(key) ?? [];
    list.push({ concept, tokens });
    index.set(key, list);
  }
}
/** The lengths stems come in (a word is looked up at these prefix lengths only). */
const STEM_LENGTHS = [...new Set([...STEMS.keys()].map((key) => key.length))].sort((a, b) => a - b);

const tokenMatches = (pattern: string, token: string | undefined): boolean =>
  token !== undefined && (pattern.endsWith('~') ? token.startsWith(pattern.slice(0, -1)) : token === pattern);

function matchesAt(entry: Entry, tokens: readonly string[], at: number): boolean {
  for (let offset = 1; offset < entry.tokens.length; offset += 1) {
    if (!tokenMatches(entry.tokens[offset] ?? '', tokens[at + offset])) return false;
  }
  return true;
}

/** Calls `found` for each concept entry matching in the text until it returns true. */
function scan(normalized: string, found: (concept: DangerConcept) => boolean): void {
  // Enough for any message: longer texts are scanned in windows by the detector anyway.
  const tokens = tokensOf(normalized.length > 20_000 ? normalized.slice(0, 20_000) : normalized);
  for (let at = 0; at < tokens.length; at += 1) {
    const token = tokens[at] ?? '';
    for (const entry of EXACT.get(token) ?? []) if (matchesAt(entry, tokens, at) && found(entry.concept)) return;
    for (const length of STEM_LENGTHS) {
      if (length > token.length) break;
      const candidates = STEMS.get(token.slice(0, length));
      if (candidates === undefined) continue;
      for (const entry of candidates) if (matchesAt(entry, tokens, at) && found(entry.concept)) return;
    }
  }
}

/** True when normalised text names at least one danger concept. Never throws; linear. */
export function hasDangerConcept(normalized: string): boolean {
  let any = false;
  scan(normalized, () => {
    any = true;
    return true;
  });
  return any;
}

/** The danger concepts named in normalised text (empty for ordinary messages). Never throws. */
export function dangerConceptsOf(normalized: string): DangerConcept[] {
  const concepts = new Set<DangerConcept>();
  scan(normalized, (concept) => {
    concepts.add(concept);
    return false;
  });
  return DANGER_CONCEPTS.filter((concept) => concepts.has(concept));
}
