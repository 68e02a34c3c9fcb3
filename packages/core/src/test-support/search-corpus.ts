/**
 * A reproducible multilingual chat corpus for the search benchmarks: English, French (with
 * elisions), German (with umlauts and ß), Japanese and Chinese (no spaces), plus links and
 * e-mail addresses, drawn by a seeded PRNG so every run indexes the same text.
 */

/** mulberry32: small, fast, good enough to draw words. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ENGLISH = (
  'the meeting tomorrow morning coffee lunch project deadline weekend holiday flight train ' +
  'station airport ticket birthday party dinner restaurant reservation document contract ' +
  'invoice payment budget report presentation slides review feedback question answer idea ' +
  'plan schedule calendar office remote call video picture photo music concert football ' +
  'basketball running garden kitchen recipe chocolate strawberry weather rain sunshine ' +
  'snow winter summer autumn spring family friends children school homework teacher ' +
  'doctor appointment pharmacy hospital insurance apartment rent landlord neighbour moving ' +
  'boxes furniture sofa table chair window door keys car bicycle parking traffic delayed ' +
  'arrived leaving waiting thanks sorry great awesome perfect maybe definitely tonight'
).split(' ');

const FRENCH = (
  "l'arbre l'école l'hôpital l'été l'hiver d'accord qu'il qu'elle j'aime j'arrive c'est " +
  "n'importe s'il jusqu'à café thé réunion demain matin déjeuner dîner fête anniversaire " +
  'vacances voyage gare aéroport billet médecin pharmacie château forêt élève étudiant ' +
  'garçon français crème brûlée pâtisserie boulangerie fenêtre rendez-vous très peut-être ' +
  'déjà voilà où ça là-bas première dernière côté hôtel naïf noël maïs cœur sœur œuvre'
).split(' ');

const GERMAN = (
  'Straße Grüße Müller Bäcker Brötchen Frühstück Mädchen Äpfel Übung über für schön ' +
  'Größe Fußball Käse Gemüse Kühlschrank Schlüssel Wörterbuch Tschüss Begrüßung morgen ' +
  'heute Abend Termin Besprechung Urlaub Zug Bahnhof Flughafen Geburtstag Geschenk ' +
  'Wohnung Miete Nachbar Umzug Möbel Fahrrad Stau Verspätung danke bitte natürlich'
).split(' ');

const JAPANESE = (
  '東京 大阪 京都 会議 明日 今日 昼ご飯 晩ご飯 コーヒー 電車 駅 空港 誕生日 ' +
  'パーティー 写真 音楽 天気 雨 雪 週末 旅行 ホテル 予約 ありがとう すみません ' +
  '了解 大丈夫 楽しみ 仕事 会社 学校 先生 病院 友達 家族 お土産 新幹線'
).split(' ');
const JAPANESE_PARTICLES = ['は', 'が', 'を', 'に', 'で', 'と', 'の', 'も'];

const CHINESE = (
  '北京 上海 会议 明天 今天 午饭 晚饭 咖啡 火车 车站 机场 生日 聚会 照片 音乐 ' +
  '天气 下雨 下雪 周末 旅行 酒店 预订 谢谢 对不起 没问题 工作 公司 学校 老师 ' +
  '医院 朋友 家人 礼物 高铁 电影 超市 手机'
).split(' ');

const DOMAINS = ['example.org', 'mail.example.com', 'exemple.fr', 'beispiel.de'];

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

function words(random: () => number, list: readonly string[], min: number, max: number): string[] {
  const count = min + Math.floor(random() * (max - min + 1));
  return Array.from({ length: count }, () => pick(random, list));
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One message body; the language mix is roughly 45 % en, 25 % fr, 15 % de, 8 % ja, 7 % zh. */
export function corpusMessage(random: () => number): string {
  const roll = random();
  let body: string;
  if (roll < 0.45) body = capitalize(words(random, ENGLISH, 3, 16).join(' ')) + '.';
  else if (roll < 0.7) body = capitalize(words(random, FRENCH, 3, 14).join(' ')) + ' !';
  else if (roll < 0.85) body = words(random, GERMAN, 3, 12).join(' ') + '.';
  else if (roll < 0.93)
    body =
      words(random, JAPANESE, 2, 6)
        .map((word) => word + pick(random, JAPANESE_PARTICLES))
        .join('') + '。';
  else body = words(random, CHINESE, 2, 8).join('') + '。';
  const extra = random();
  if (extra < 0.05)
    body += ` https://${pick(random, DOMAINS)}/${pick(random, ENGLISH)}-${pick(random, ENGLISH)}`;
  else if (extra < 0.08)
    body += ` ${pick(random, ENGLISH)}.${pick(random, ENGLISH)}@${pick(random, DOMAINS)}`;
  return body;
}

/** `count` message bodies from `seed`. */
export function corpus(count: number, seed = 1): string[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => corpusMessage(random));
}

/** Typical prefixes people type, across the languages of the corpus (diacritics left out). */
export const CORPUS_QUERIES: readonly string[] = [
  'meet',
  'coff',
  'birthd',
  'rest',
  'pres',
  'choc',
  'appoint',
  'cafe',
  'arbre',
  'ecol',
  'reun',
  'dejeu',
  'boulang',
  'rendez',
  'strasse',
  'gruss',
  'fruhst',
  'mull',
  'kuhl',
  '東京',
  '会議',
  'コーヒー',
  '咖啡',
  '北京',
  'example',
  'the meet',
  'cafe dem',
  'ticket train',
];
