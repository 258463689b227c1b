/**
 * Compact sentiment lexicon tuned for product/brand talk (software, services, consumer goods), social slang and
 * emoji, plus a few high-frequency Spanish/French/German/Portuguese words. Valences follow the VADER scale
 * (roughly -3..+3). Keys are folded (lower-case, no diacritics), matching the tokenizer in sentiment.ts.
 * Written as data so it can be reviewed and extended without touching the scorer. Phrases and idioms are in
 * lexicon-phrases.ts, grammatical cues in lexicon-cues.ts. The general-purpose vocabulary comes from VADER's lexicon
 * (general-lexicon.ts); these entries win over it, including the zeros that keep fact words ("founded", "based in", "supports", "free plan") neutral.
 */

const POSITIVE = `
sturdy:1.6 quiet:0.8 snappier:1.8 bargain:1.8
good:1.9 great:3.1 excellent:3.2 amazing:3.1 awesome:3.1 fantastic:3.2 outstanding:3.1 superb:3.1 best:3.0 better:1.9
love:3.0 loved:2.9 loving:2.7 loves:2.8 like:1.2 liked:1.5 likes:1.2 enjoy:2.2 enjoyed:2.2 recommend:2.2 recommended:2.0
recommends:2.0 reliable:2.1 robust:1.9 stable:1.5 solid:1.8 fast:1.5 faster:1.6 fastest:2.0 quick:1.3 quicker:1.4
snappy:1.8 smooth:1.8 seamless:2.2 intuitive:2.2 easy:1.7 easier:1.8 easiest:2.0 simple:1.3 simpler:1.4 clean:1.4
polished:2.0 powerful:2.0 flexible:1.7 versatile:1.8 affordable:1.9 cheap:1.0 cheaper:1.5 cheapest:1.6 inexpensive:1.5
generous:1.9 free:0.8 helpful:1.9 responsive:1.8 friendly:1.8 secure:1.6 safe:1.4 accurate:1.8 comprehensive:1.7
impressive:2.4 innovative:2.0 popular:1.3 leading:1.4 leader:1.3 favorite:2.2 favourite:2.2 fav:2.0 perfect:3.0
ideal:2.2 strong:1.6 stronger:1.7 excels:2.4 excel:2.0 shines:2.3 standout:2.2 praised:2.2 praise:2.0 win:2.0 wins:2.0
winner:2.4 worth:1.6 value:1.1 valuable:2.0 efficient:1.8 scalable:1.7 lightweight:1.2 comfortable:2.0 comfy:2.0
cushioned:1.2 durable:2.0 delicious:2.8 tasty:2.5 happy:2.7 glad:2.2 pleased:2.3 satisfied:2.1 impressed:2.4
thrilled:2.9 wonderful:3.0 brilliant:3.0 nice:1.8 cool:1.3 neat:1.4 lovely:2.7 beautiful:2.6 elegant:2.2 slick:1.9
superior:2.3 improved:1.7 improves:1.5 improvement:1.5 upgrade:1.0 reliable:2.1 trusted:1.9 trustworthy:2.1
transparent:1.5 top:1.4 topnotch:2.8 premium:1.2 unbeatable:2.8 handy:1.6 useful:1.8 delightful:2.8 painless:1.8
hassle-free:2.0 effortless:2.1 rock-solid:2.4 dependable:2.1 mature:1.1 thriving:2.0 growing:0.8 gains:1.2
outperforms:2.2 beats:1.8 won:1.5 rich:1.4 richer:1.5 prefer:1.2 prefers:1.2 preferred:1.2 thanks:1.6 thank:1.5 kudos:2.4 wow:2.0 yay:2.4 finally:0.6
goated:2.8 slaps:2.5 lit:1.6 banger:2.5 clutch:1.8 elite:2.4 chef's:1.0 lifesaver:2.6
lifesavers:2.6 gamechanger:2.6 game-changer:2.6 no-brainer:2.3 must-have:2.4 go-to:1.9 legit:1.8 dope:2.0
rocks:2.0 stellar:2.8 obsessed:2.0 10/10:2.8 recommend!:2.2 underrated:1.6 sleek:1.9
gem:2.6 gems:2.4 masterpiece:3.0 flawless:3.0 spotless:2.2 rock-solid:2.4 worth-it:2.0 blazing:1.6 lightning-fast:2.4
excelente:3.0 bueno:1.9 buena:1.9 mejor:2.0 genial:2.8 encanta:2.8 recomiendo:2.2 rapido:1.5 facil:1.7 barato:1.0
excellent:3.2 bon:1.8 bonne:1.8 meilleur:2.0 meilleure:2.0 super:2.2 adore:2.8 recommande:2.2 efficace:1.8
gut:1.9 toll:2.6 super:2.2 besser:1.9 beste:2.6 empfehlen:2.2 zuverlassig:2.1 schnell:1.5 einfach:1.3
otimo:3.0 otima:3.0 bom:1.9 boa:1.9 melhor:2.0 adoro:2.8 recomendo:2.2 incrivel:3.0
👍:1.9 ❤️:2.6 ❤:2.6 😍:2.9 🔥:1.8 🙌:2.2 💯:2.4 👏:2.2 🥰:2.8 😊:2.1 🎉:2.2 ✅:1.3 🚀:1.8 💪:1.7 😎:1.5 🤩:2.8
modern:0.9
increible:3.0 incroyable:3.0 fantastico:2.8 fantastique:2.8 genial:2.8 wunderbar:3.0 perfekt:2.8 parfait:2.8 perfecto:2.8
`;

const NEGATIVE = `
leaky:-1.6 leaking:-1.6 leaked:-1.2 cracked:-1.5 flaky:-1.8 flakey:-1.8 noisy:-1.2 wobbly:-1.3 laggy:-1.8
bad:-2.5 poor:-2.1 terrible:-3.1 awful:-3.1 horrible:-3.1 worst:-3.1 worse:-2.1 hate:-2.9 hated:-2.9 hates:-2.8
dislike:-1.8 disappointing:-2.2 disappointed:-2.2 disappointment:-2.2 frustrating:-2.2 frustrated:-2.1 annoying:-2.0
expensive:-1.4 pricey:-1.5 pricier:-1.6 overpriced:-2.3 costly:-1.5 steep:-1.0 slow:-1.6 slower:-1.7 slowest:-1.9
sluggish:-1.9 laggy:-2.0 lag:-1.4 lags:-1.4 buggy:-2.2 bugs:-1.4 bug:-1.1 glitchy:-2.1 glitches:-1.7 crash:-2.0
crashes:-2.1 crashed:-2.1 crashing:-2.1 broken:-2.3 breaks:-1.6 unreliable:-2.3 unstable:-2.0 clunky:-2.0 confusing:-1.9
complicated:-1.5 complex:-0.8 cluttered:-1.7 bloated:-1.9 outdated:-1.7 dated:-1.3 limited:-1.2 limitations:-1.1
lacking:-1.5 lacks:-1.5 missing:-1.2 hard:-1.0 harder:-1.2 difficult:-1.5 steep-learning:-1.5 painful:-2.2 pain:-1.8
nightmare:-2.9 mess:-2.1 messy:-1.9 trash:-2.8 garbage:-2.8 junk:-2.4 useless:-2.6 scam:-3.0 fraud:-3.0 ripoff:-2.8
rip-off:-2.8 outage:-2.1 outages:-2.1 down:-0.9 downtime:-2.0 fail:-2.2 fails:-2.1 failed:-2.1 failing:-2.1 failure:-2.3
problem:-1.4 problems:-1.5 issue:-1.0 issues:-1.2 complaint:-1.6 complaints:-1.7 concern:-1.0 concerns:-1.1 risk:-1.0
risky:-1.6 insecure:-2.1 breach:-2.4 leaked:-2.2 vulnerable:-1.8 inaccurate:-1.9 wrong:-1.7 rude:-2.3 unhelpful:-2.1
unresponsive:-2.1 ignored:-1.6 ghosted:-2.0 worthless:-2.7 overrated:-1.8 mediocre:-1.7 meh:-1.2 mid:-1.3 sucks:-2.5
suck:-2.4 sucked:-2.4 lame:-1.9 cringe:-1.8 ugh:-1.7 yikes:-1.8 smh:-1.5 wtf:-2.2 ridiculous:-2.0 absurd:-1.9
unacceptable:-2.5 disaster:-2.9 regret:-2.1 regrets:-2.1 cancel:-1.0 cancelled:-1.2 canceled:-1.2 churn:-1.2
refund:-1.1 avoid:-2.0 avoided:-1.8 drawback:-1.4 drawbacks:-1.5 downside:-1.4 downsides:-1.5 weakness:-1.6
weaknesses:-1.6 weak:-1.6 weaker:-1.7 lacking:-1.5 lose:-1.3 loses:-1.4 losing:-1.5 lost:-1.3 declining:-1.6
decline:-1.4 struggling:-1.8 struggles:-1.7 stale:-1.5 stiff:-1.3 uncomfortable:-2.0 blisters:-2.0 blister:-1.8
flimsy:-2.0 basic:-0.6 wreck:-2.0 wrecks:-2.0 wrecked:-2.2 unfair:-2.0 fell:-0.8 apart:-1.0 cold:-0.6 burnt:-1.8 stale:-1.5 dirty:-2.0 bland:-1.5 spammy:-2.0 spam:-1.8
shady:-2.1 hidden:-0.8 gouging:-2.5 lawsuit:-2.0 sued:-1.9 fined:-1.9 layoffs:-1.6 recall:-1.6 delayed:-1.4 delays:-1.4
lawsuits:-2.0 suing:-1.9 sues:-1.9 fine:0.8 fines:-1.6 penalty:-1.6 layoff:-1.6 laid-off:-1.8 recalls:-1.6 recalled:-1.6
breaches:-2.4 breached:-2.4 hack:-1.8 hacks:-1.8 ransomware:-2.4 malware:-2.2 exploit:-1.4 exploited:-1.8 leak:-1.8
leaks:-1.8 exposed:-1.4 outages:-2.1 shutdown:-1.6 bankruptcy:-2.6 insolvency:-2.4 injured:-2.0 injuries:-2.0 injures:-2.0
dies:-2.6 fatal:-2.9 blaze:-1.8 explosion:-2.4 evacuated:-1.6 plunge:-1.8 plunges:-1.8 plunged:-1.8 slump:-1.7
slumps:-1.7 tumble:-1.6 tumbles:-1.6 downgrade:-1.4 downgraded:-1.5 probe:-1.2 investigated:-1.4 indicted:-2.4
charged:-1.2 boycott:-1.9 backlash:-1.9 scandal:-2.4 halted:-1.4 halts:-1.3 disrupted:-1.6 disruption:-1.4 glitch:-1.7
degraded:-1.7 unavailable:-1.6 bricked:-2.5 throttled:-1.6 throttling:-1.5 ripoff:-2.8 enshittification:-2.6 bloatware:-2.2
minefield:-2.2 gimmick:-1.8 gimmicky:-1.8 sneaky:-2.0 filthy:-2.6 overkill:-1.5 half-finished:-1.8 half-baked:-1.8
nickel-and-diming:-2.2 froze:-1.8 freezes:-1.8 freezing:-1.4 misfire:-1.8 misfires:-1.8 choked:-1.8 chokes:-1.8 plush:1.6
straightforward:1.5 redundant:-0.8 hikes:-1.5 hiked:-1.6 surprise:0 surprised:0 premium:0 no:0 sorted:1.2 witchcraft:1.6
unusable:-2.6 unreadable:-1.8 ghosting:-2.0 scammed:-2.8 overcharged:-2.4 downhill:-1.8 mushy:-1.0 harsh:-1.6 deleted:-1.0
excelentes:3.0 malos:-2.3 malas:-2.3 majisimo:2.6 amable:2.0 intuitivo:2.0 intuitiva:2.0 complicado:-1.5 complicada:-1.5
complicadisimo:-2.3 comodo:1.8 comoda:1.8 comodos:1.8 comodas:1.8 fiable:2.0 desastre:-2.8 pesimo:-3.0 pesima:-3.0
eternas:-1.4 eterno:-1.4 eterna:-1.4 lentisimo:-2.2 carisimo:-2.0 recomendable:2.0 encantado:2.4 encantada:2.4
otimos:3.0 ruins:-2.3 facil:1.7 completo:1.2 completa:1.2 trava:-1.8 travando:-1.8 travou:-1.8 quebrado:-2.0 quebrou:-2.0
maravilhoso:3.0 horrivel:-3.0 decepcionante:-2.2 caros:-1.4 baratos:1.0 rapida:1.5
rapide:1.5 facile:1.7 parfait:3.0 parfaite:3.0 pratique:1.5 decu:-2.2 decue:-2.2 catastrophique:-3.0 regrette:-2.0
chers:-1.3 lente:-1.5 genial:2.8 geniale:2.8 fiables:2.0 deplorable:-2.6
hervorragend:3.0 hervorragende:3.0 hervorragenden:3.0 leise:1.0 sparsam:1.2 langlebig:2.0 stabil:1.5 absturze:-2.2
absturz:-2.0 unschlagbar:2.8 unschlagbares:2.8 unschlagbare:2.8 undurchsichtig:-1.6 enttauschend:-2.2 klasse:2.4
zuverlassige:2.1 langsame:-1.6 teure:-1.4 schlechte:-2.3 gute:1.9 guter:1.9 tolle:2.6 toller:2.6
ottimo:3.0 ottima:3.0 buono:1.9 buona:1.9 pessimo:-3.0 pessima:-3.0 lenta:-1.6 bellissimo:3.0 bellissima:3.0 bello:2.2
bella:2.2 vergognoso:-2.6 vergognosa:-2.6 perfetto:3.0 perfetta:3.0 meglio:2.0 peggio:-2.1 cancellato:-1.4 consiglio:1.5
geweldig:3.0 slecht:-2.3 traag:-1.8 duur:-1.3 goed:1.9 goede:1.9 handig:1.6 snel:1.5 betrouwbaar:2.0 verhoogd:-1.0
launched:0 launch:0 launches:0 free:0 die:0 sin:0 incredible:2.8 breaking:-1.2 clunkier:-2.0 langsamer:-1.7
teurer:-1.5 schneller:1.6 gunstiger:1.5 billiger:1.2 hallucinates:-2.2 hallucinated:-2.2 hallucinating:-2.2
hallucination:-2.0 hallucinations:-2.0 inventing:-0.8 ne:0 🗑:-2.4 🗑️:-2.4
investigation:-1.4 investigations:-1.4 antitrust:-1.2 cyberattack:-2.4 banned:-1.8 ban:-1.2 crackdown:-1.5
bussin:2.5 peak:1.2 lowkey:0 😂:1.0 🤣:1.0 😀:2.0 😃:2.0 😄:2.2 😁:2.0 🙂:1.2 😉:1.2 😘:2.2 😋:2.0 👌:1.8 🏆:2.4
⭐:1.5 🌟:2.0 ✨:1.2 💚:2.2 💙:2.2 💜:2.2 🧡:2.2 💛:2.2 😐:-0.5 😑:-0.8 😕:-1.4 🙁:-1.6 ☹:-1.8 😩:-2.0 😫:-2.0 😖:-2.0
😣:-1.8 😬:-1.2 🤦:-1.8 💔:-2.2 🐌:-1.2 😴:-1.2 🥱:-1.2 🚮:-1.8 😓:-1.4 😰:-1.8 😱:-1.8 💸:-1.0 🥲:-0.6
lache:-1.2 lacked:-1.5 unpredictable:-1.6 wahnsinn:1.5 limiting:-1.4 demorado:-1.6 demorada:-1.6 impecavel:2.8 anticuada:-1.7
anticuado:-1.7 recomendaria:2.2 recomendaria!:2.2 consigliato:2.0 versteckte:-1.2 lento!:-1.6 sencillisima:2.0 sencillo:1.4
steer:0 based:0 founded:0 headquartered:0 acquired:0 acquires:0 acquisition:0 support:0 supports:0 supported:0
ha:0 created:0 create:0 charge:0 charges:0 help:0.6 helps:0.6 share:0 shares:0 credit:0 credits:0 interest:0 united:0 party:0 security:0 matter:0 number:0 play:0 care:0 please:0
overwhelming:-1.4 tedious:-1.8 awkward:-1.5 janky:-2.1 jank:-2.0 scuffed:-1.8 dogwater:-2.8 ass:-1.9 l:-0.2 ratio:-0.8
hell:-1.8 angry:-2.3 furious:-2.7 sad:-1.9 upset:-2.0 worried:-1.5 sketchy:-2.0 nerfed:-1.5 paywalled:-1.7 paywall:-1.4
malo:-2.3 mala:-2.3 peor:-2.1 caro:-1.4 cara:-0.6 lento:-1.6 horrible:-3.1 mauvais:-2.3 mauvaise:-2.3 pire:-2.4 cher:-1.3
chere:-1.3 lent:-1.5 nul:-2.4 nulle:-2.4 schlecht:-2.3 teuer:-1.4 langsam:-1.6 schlimm:-2.4 ruim:-2.3 pior:-2.1 lento:-1.6
👎:-2.0 😡:-2.7 🤬:-3.0 😤:-1.9 💩:-2.4 🤮:-2.7 😠:-2.5 😒:-1.7 😞:-2.0 😢:-1.9 😭:-1.2 🙄:-1.4 🤡:-1.9 ❌:-1.3
bloat:-1.7 ignores:-1.6 maze:-1.4 unmaintained:-1.9 double-charged:-2.2 double-charging:-2.2 overcharged:-2.2
desastre:-2.8 katastrophe:-2.8 catastrophe:-2.8 galere:-2.0 horror:-2.4 pesimo:-2.8 pessimo:-2.8 enttauschend:-2.2 decevant:-2.2 decepcionante:-2.2
`;

function parse(block: string, into: Map<string, number>): void {
  for (const pair of block.split(/\s+/)) {
    if (!pair) continue;
    const k = pair.lastIndexOf(':');
    const word = pair.slice(0, k);
    const value = Number(pair.slice(k + 1));
    if (word && Number.isFinite(value)) into.set(word, value);
  }
}

/** Domain word -> valence (VADER scale); merged over the general lexicon in general-lexicon.ts (domain wins). */
export const DOMAIN_LEXICON: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  parse(POSITIVE, m);
  parse(NEGATIVE, m);
  return m;
})();
