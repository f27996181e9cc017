"""A small shipped English word list for ciphers, word ladders and anagrams (private)."""

from __future__ import annotations

WORDS4 = """
able acid aged also area army away baby back bake ball band bank bare barn base bath bead beam bean bear
beat beef been beer bell belt bend bent best bike bill bind bird bite blow blue boat body boil bold bolt
bomb bond bone book boot bore born boss both bowl bulk bull burn bush busy cake call calm came camp cane
card care cart case cash cast cave cell chip cite city clay clip coal coat code coil coin cold come cone
cook cool cope copy cord core corn cost cove crew crop cure dale dame damp dare dark dart data date dawn
days dead deal dean dear debt deck deed deep deer dial dice diet dine dirt disc dish dive dock does dole
doll dome done doom door dose dove down drag draw drew drop drum dual duck dull dune dusk dust duty each
earn ease east easy edge else even ever face fact fade fail fair fake fall fame fare farm fast fate fear
feat feed feel feet fell felt file fill film find fine fire firm fish fist five flag flat fled flew flow
foam fold folk fond food fool foot ford fore fork form fort foul four free from fuel full fund fuse gain
gale game gate gave gaze gear gift girl give glad glow glue goal goat gold golf gone good gown grab gray
grew grey grid grim grin grip grow gulf hail hair half hall halt hand hang hard hare harm hate have hawk
head heal heap hear heat held hell helm help herb here hero hide high hill hint hire hold hole holy home
hood hook hope horn hose host hour huge hull hung hunt hurt idea inch iron item jail joke jump jury just
keen keep kept kick kill kind king kiss kite knee knew knot know lace lack lady laid lake lamb lamp land
lane last late lead leaf lean left lend lens less lick life lift like lime line link lion list live load
loan lock loft logo long look loop lord lose loss lost loud love luck lump lung made mail main make male
mall many mark mask mass mast mate maze meal mean meat meet melt menu mere mild mile milk mill mind mine
mint miss mist mode mold mole mood moon more most moth move much mule must name near neat neck need nest
news next nice nine node none noon nose note oath odds okay once only open oven over pace pack page paid
pain pair pale palm pane park part pass past path peak pear peel pick pile pill pine pink pipe plan play
plot plug plus poem poet pole poll pond pool poor pore port pose post pour pray pull pump pure push race
rack rage raid rail rain rank rare rate read real rear rely rent rest rice rich ride ring rise risk road
roam robe rock rode role roll roof room root rope rose ruin rule rush rust safe sage said sail sake sale
salt same sand sang save seal seat seed seek seem seen self sell send sent ship shoe shop shot show shut
sick side sign silk sing sink site size skin slip slot slow snow soap sock soft soil sold sole some song
soon sore sort soul soup sour spot star stay stem step stir stop such suit sung sure swim tail take tale
talk tall tank tape task team tear tell tend tent term test text than that them then they thin this tide
tile till time tiny tire told toll tone took tool torn tour town trap tree trip true tube tune turn twin
type unit upon used user vast very vest view vote wage wait wake walk wall want ward warm warn wash wave
ways weak wear week well went were west what when whom wide wife wild will wind wine wing wire wise wish
with wolf wood wool word wore work worm worn wrap yard yarn year your zero zone
""".split()

WORDS_LONG = """
listen silent enlist tinsel stone notes onset tones night thing earth heart hater angel glean angle
below elbow bowel state taste least steal slate stale tales teals react trace crate cater caret
spare spear pears parse reaps apple bread beard bared debar ranged danger garden gander master stream
tamers dusty study peach cheap heaps phase shape lemon melon solemn admirer married bleat table cable
tulip planet plate pleat petal leapt lapse leaps pales peals sepal dairy diary rates stare tears aster
ocean canoe march charm north thorn rescue secure recuse silver livers sliver players replays parsley
lemons friend finder redfin domain nomad inside sinned school cloud could brain bairn train grain
water tower robin cider cried dicer riced laser earls reals arise raise sprite priest stripe esprit
""".split()

ALL_WORDS = sorted(set(WORDS4) | set(WORDS_LONG))
