"""Vocabulary and phrase templates for :mod:`pmanalytics.demo`.

Templates contain ``{slot}`` placeholders. A slot is filled from the incident's
context first (``svc``, ``other``, ``flow``, ...: one value per incident, so the
story stays coherent), then from :data:`FILL` (a fresh random pick each time).

The planted recurring problems (:data:`PROBLEMS`) have their own slots, so each
mention of a problem mixes a paraphrase template with synonym substitution: the
same problem never reads the same way twice, yet shares its content words. The
background templates avoid those content words on purpose.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

Vocab = Mapping[str, Sequence[str]]

# --------------------------------------------------------------------------- organisation

SERVICE_WEIGHTS: dict[str, float] = {
    "checkout-api": 1.3,
    "payments": 1.0,
    "search": 1.0,
    "auth": 0.9,
    "notifications": 0.8,
    "inventory": 0.8,
    "web-frontend": 1.2,
    "data-pipeline": 1.0,
}
SERVICE_TEAM: dict[str, str] = {
    "checkout-api": "checkout",
    "inventory": "checkout",
    "payments": "payments",
    "search": "discovery",
    "web-frontend": "discovery",
    "auth": "identity",
    "notifications": "identity",
    "data-pipeline": "data-eng",
}
#: Services that usually suffer along with the key (its callers or dependencies).
RELATED: dict[str, tuple[str, ...]] = {
    "checkout-api": ("payments", "inventory", "auth", "web-frontend"),
    "payments": ("checkout-api",),
    "search": ("web-frontend", "inventory"),
    "auth": ("web-frontend", "checkout-api", "notifications"),
    "notifications": ("data-pipeline", "auth"),
    "inventory": ("checkout-api", "search"),
    "web-frontend": ("checkout-api", "search", "auth"),
    "data-pipeline": ("search", "notifications"),
}
PEOPLE: dict[str, tuple[str, ...]] = {
    "checkout": (
        "Ana Kovac",
        "Ben Okafor",
        "Chen Wei",
        "Diego Ramirez",
        "Elif Yilmaz",
        "Farah Haddad",
    ),
    "payments": (
        "Gustavo Lima",
        "Hana Suzuki",
        "Ian McAllister",
        "Jana Novak",
        "Kwame Mensah",
        "Lena Fischer",
    ),
    "discovery": (
        "Marco Rossi",
        "Nadia Petrova",
        "Omar Farouk",
        "Priya Nair",
        "Quinn Murphy",
        "Rosa Alvarez",
    ),
    "identity": (
        "Sam Taylor",
        "Tomasz Nowak",
        "Uma Krishnan",
        "Victor Dubois",
        "Wen Li",
        "Xavier Costa",
    ),
    "platform": (
        "Yusuf Demir",
        "Zoe Martin",
        "Aiko Tanaka",
        "Bruno Silva",
        "Carla Mendes",
        "Dmitri Volkov",
    ),
    "data-eng": (
        "Esther Cohen",
        "Felix Wagner",
        "Grace Obi",
        "Hugo Laurent",
        "Ines Moreau",
        "Jonas Berg",
    ),
}
TEAMS: tuple[str, ...] = tuple(PEOPLE)
TRACKER_KEYS: dict[str, str] = {
    "checkout": "CHK",
    "payments": "PAY",
    "discovery": "DSC",
    "identity": "IDN",
    "platform": "PLT",
    "data-eng": "DAT",
}

# --------------------------------------------------------------------------- shared slots

FILL: dict[str, tuple[str, ...]] = {
    "tool": (
        "Argo CD",
        "Spinnaker",
        "the release bot",
        "Terraform",
        "kubectl",
        "the admin console",
        "the release dashboard",
        "Helm",
        "the chat-ops command",
        "Jenkins",
    ),
    "dash": (
        "Grafana",
        "Datadog",
        "the SLO dashboard",
        "the service overview dashboard",
        "Honeycomb",
        "the golden-signals dashboard",
        "the business metrics board",
        "the on-call dashboard",
    ),
    "metric": (
        "p99 latency",
        "error rate",
        "queue depth",
        "CPU saturation",
        "GC pause time",
        "consumer lag",
        "cache hit ratio",
        "the 5xx rate",
        "request volume",
        "heap usage",
        "order throughput",
        "apdex",
        "checkout conversion",
        "replication lag",
    ),
    "role": (
        "the incident commander",
        "the on-call engineer",
        "the secondary on-call",
        "the support lead",
        "the communications lead",
        "the database specialist",
        "the engineering manager on duty",
        "the scribe",
    ),
    "thing": (
        "the feature flag service",
        "the job scheduler",
        "the message queue",
        "the Redis cache",
        "the CDN rules",
        "the rate limiter",
        "the search index",
        "the ETL job",
        "the API gateway",
        "the session store",
        "the batch importer",
        "the webhook dispatcher",
        "the Kafka consumer",
        "the image resizer",
        "the pricing engine",
        "the fraud checks",
        "the recommendation model",
        "the tax calculator",
        "the PDF renderer",
        "the email templating service",
        "the audit trail",
        "the identity provider sync",
        "the geo-IP lookup",
        "the currency converter",
        "the warehouse export",
        "the promotions engine",
        "the object storage bucket",
        "the shared Terraform modules",
        "the service mesh",
        "the GraphQL layer",
        "the mobile push sender",
        "the order state machine",
    ),
    "flow": (
        "checkout",
        "login",
        "search",
        "password reset",
        "order history",
        "refunds",
        "signup",
        "the product page",
        "the cart",
        "email receipts",
        "invoice export",
        "address lookup",
        "gift cards",
        "wishlists",
        "store pickup",
        "subscriptions",
        "returns",
        "account deletion",
        "promo codes",
        "delivery tracking",
    ),
    "vendor": (
        "the payment provider",
        "the email vendor",
        "the SMS gateway",
        "the cloud provider",
        "the fraud-scoring API",
        "the maps API",
        "the CDN vendor",
        "the tax calculation service",
        "the identity vendor",
        "the shipping partner",
    ),
    "when": (
        "this quarter",
        "before the holiday freeze",
        "next sprint",
        "in the next planning cycle",
        "before the next peak season",
        "within a month",
    ),
    "few": ("two", "three", "four", "five", "six"),
    "mins": ("2", "3", "5", "8", "10", "15", "20"),
    "staging": (
        "staging",
        "the pre-production environment",
        "the load-test environment",
        "the QA environment",
    ),
    "doc": (
        "the runbook",
        "the architecture doc",
        "the on-call handbook",
        "the wiki page",
        "the service README",
        "the escalation guide",
        "the playbook",
    ),
    "chan": (
        "the incident channel",
        "the ops channel",
        "the bridge call",
        "the war room",
        "the status page",
    ),
    "lang": ("Go", "Java", "Python", "Node", "Kotlin", "Ruby"),
    "person": (
        "a new joiner",
        "an engineer from another team",
        "the support lead",
        "a product manager",
        "someone on their second on-call shift",
    ),
}

# --------------------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class Scenario:
    """What kind of incident happened: text for the title, summary and timeline."""

    key: str
    titles: tuple[str, ...]
    triggers: tuple[str, ...]
    symptoms: tuple[str, ...]
    mitigations: tuple[str, ...]
    tags: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    """The services it can happen to; empty for any."""


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "latency",
        ("Elevated latency on {svc}", "Slow responses from {svc}", "{svc} latency regression"),
        (
            "a slow query shipped in {svc} {version} saturated the read replicas",
            "a garbage-collection regression in {svc} {version} stretched response times",
            "a hot key in {thing} serialised requests from {svc}",
            "a noisy neighbour on the shared node pool starved {svc} of CPU",
        ),
        (
            "p99 latency of {svc} rose from {lo} ms to over {hi} ms",
            "{flow} took several seconds to load for most users",
        ),
        (
            "rolled {svc} back to the previous release",
            "moved {svc} to a dedicated node group",
            "added the missing index and cancelled the slow queries",
        ),
        ("performance",),
    ),
    Scenario(
        "errors",
        ("Elevated 5xx errors on {svc}", "{svc} error spike", "Errors in {flow} from {svc}"),
        (
            "a release of {svc} {version} shipped a null-handling bug in the {flow} path",
            "a schema change left {svc} reading a column that no longer existed",
            "a stale feature-flag default flipped {svc} onto an unfinished code path",
            "a library upgrade in {svc} {version} changed how empty payloads are parsed",
        ),
        (
            "about {pct}% of {flow} requests returned 500",
            "{flow} failed for roughly {pct}% of users",
        ),
        (
            "rolled back {svc} {version}",
            "switched the feature flag off",
            "hot-fixed the parser and redeployed {svc}",
        ),
        ("deploy",),
    ),
    Scenario(
        "outage",
        ("Full outage of {svc}", "{svc} unavailable", "{flow} down"),
        (
            "an infrastructure change removed the firewall rule in front of {svc}",
            "a load-balancer rule sent all {svc} traffic to an empty target group",
            "{svc} pods crash-looped after a base-image upgrade",
        ),
        ("{svc} returned errors for every request", "{flow} was completely unavailable"),
        (
            "restored the firewall rule from the previous plan",
            "pointed the rule at the live targets",
            "pinned the previous base image and redeployed",
        ),
        ("outage",),
    ),
    Scenario(
        "vendor-outage",
        ("Degraded {flow} during {vendor} outage", "{vendor} incident affecting {svc}"),
        (
            "{vendor} had a regional outage and {svc} had no fallback",
            "{vendor} started rejecting requests after an unannounced API change",
        ),
        ("{flow} failed or hung for {pct}% of users", "calls from {svc} to {vendor} timed out"),
        (
            "switched {svc} to the secondary provider",
            "queued the requests and replayed them later",
            "disabled the dependent feature behind a flag",
        ),
        ("third-party",),
    ),
    Scenario(
        "backlog",
        ("Message backlog in {svc}", "Delayed processing in {svc}"),
        (
            "a malformed message blocked the {svc} consumer group",
            "consumer lag grew after a partition rebalance in {thing}",
            "a slow downstream write throttled the {svc} workers",
        ),
        ("work arrived up to {hours} hours late", "the queue grew to {big} messages"),
        (
            "moved the bad message to the dead-letter queue",
            "added workers and drained the queue",
            "paused the producer until the consumers caught up",
        ),
        ("async",),
    ),
    Scenario(
        "stale-data",
        ("Stale data served by {svc}", "Incorrect data in {flow}"),
        (
            "the nightly {thing} job silently skipped a partition",
            "a replication lag spike left {svc} reading hour-old rows",
            "a cache invalidation bug in {svc} {version} kept outdated entries alive",
        ),
        (
            "users saw outdated {flow} information for several hours",
            "about {pct}% of records shown by {svc} were out of date",
        ),
        (
            "re-ran the job for the missing partition",
            "flushed the affected cache keys",
            "pointed reads back at the primary until lag recovered",
        ),
        ("data-quality",),
    ),
    Scenario(
        "cache-stampede",
        ("Cache stampede after {svc} deploy", "{svc} overloaded after cache flush"),
        (
            "a deploy of {svc} {version} flushed the shared cache and every request hit "
            "the database",
            "many cache keys expired at once and {svc} recomputed them all in parallel",
        ),
        ("database CPU hit 100% and {flow} timed out", "p99 latency of {svc} passed {hi} ms"),
        (
            "enabled request coalescing and warmed the cache",
            "shed load at the gateway while the cache refilled",
        ),
        ("performance", "deploy"),
    ),
    Scenario(
        "memory-leak",
        ("Memory leak in {svc}", "{svc} out-of-memory restarts"),
        (
            "a leak in the {lang} client library used by {svc} grew the heap until pods "
            "were killed",
            "an unbounded in-process cache in {svc} {version} exhausted container memory",
        ),
        (
            "{svc} pods restarted every few minutes",
            "{pct}% of {flow} requests failed during restarts",
        ),
        ("rolled back {svc} {version}", "raised memory limits and scheduled rolling restarts"),
        ("reliability",),
    ),
    Scenario(
        "throttling",
        ("Legitimate traffic throttled on {svc}", "Rate limiting blocked {flow}"),
        (
            "a rate-limit rule meant for one abusive client matched all mobile traffic",
            "the rate limiter lost its shared state and fell back to a tiny per-node quota",
        ),
        ("{pct}% of {flow} requests were rejected with 429", "mobile users could not use {flow}"),
        (
            "narrowed the rule to the abusive client",
            "restored the limiter state and raised the fallback quota",
        ),
        ("security",),
    ),
    Scenario(
        "login-failures",
        ("Login failures on {svc}", "Users logged out unexpectedly"),
        (
            "an eviction in the session store logged out active users",
            "a clock skew on two {svc} nodes made freshly issued tokens look invalid",
        ),
        ("about {pct}% of login attempts failed", "users were sent back to the login page"),
        (
            "resized the session store and restored sessions from the replica",
            "fixed time sync on the affected nodes",
        ),
        ("customer-facing",),
        ("auth", "web-frontend"),
    ),
    Scenario(
        "payment-declines",
        ("Spike in payment declines", "Card payments failing at checkout"),
        (
            "a rounding change in {svc} {version} sent amounts that {vendor} rejected",
            "a fraud rule update declined a large share of legitimate cards",
        ),
        ("{pct}% of card payments were declined", "orders could not be completed at checkout"),
        ("reverted the rounding change", "rolled the fraud rule back to the previous version"),
        ("revenue", "customer-facing"),
        ("payments", "checkout-api"),
    ),
    Scenario(
        "missing-results",
        ("Search results missing products", "Incomplete search index"),
        (
            "a reindex job published an index missing {pct}% of the catalogue",
            "a mapping change dropped documents with empty brand fields from the index",
        ),
        (
            "searches returned far fewer products than usual",
            "{pct}% of products could not be found",
        ),
        ("swapped the alias back to the previous index", "fixed the mapping and reindexed"),
        ("data-quality",),
        ("search", "inventory"),
    ),
    Scenario(
        "traffic-surge",
        ("{svc} capacity shortfall during campaign", "Traffic surge overwhelmed {svc}"),
        (
            "a marketing campaign drove {mult}x normal traffic to {svc}",
            "a partner integration started polling {svc} every second",
        ),
        ("{flow} slowed down and {pct}% of requests failed", "autoscaling lagged behind demand"),
        (
            "scaled {svc} manually and raised the autoscaling ceiling",
            "asked the partner to back off and added a per-client quota",
        ),
        ("capacity",),
    ),
    Scenario(
        "report-delay",
        ("Delayed reports from data-pipeline", "Nightly batch overran"),
        (
            "an upstream export arrived late and the batch window overran",
            "a skewed join in the nightly batch ran for hours",
        ),
        ("finance reports were {hours} hours late", "dashboards showed yesterday's numbers"),
        ("re-ran the batch with more executors", "split the skewed join and restarted the job"),
        ("data-quality",),
        ("data-pipeline",),
    ),
    Scenario(
        "migration-lock",
        ("Table lock from migration on {svc}", "Schema migration blocked writes in {svc}"),
        (
            "a schema migration on {svc} took an exclusive lock on a large table",
            "an index build on the {svc} database blocked writes for the whole table",
        ),
        ("writes to {flow} queued and then timed out", "{pct}% of {flow} requests failed"),
        ("cancelled the migration and re-ran it online", "killed the blocking session"),
        ("database", "deploy"),
    ),
    Scenario(
        "packet-loss",
        ("Cross-zone packet loss affecting {svc}", "Network degradation for {svc}"),
        (
            "a faulty switch in one availability zone dropped packets",
            "a network change at {vendor} caused packet loss between zones",
        ),
        (
            "p99 latency of {svc} spiked and {pct}% of requests failed",
            "connections from {svc} reset intermittently",
        ),
        ("drained the affected zone", "routed traffic away from the degraded links"),
        ("network",),
    ),
)

# --------------------------------------------------------------------------- narrative bits

DETECTIONS: tuple[str, ...] = (
    "the {metric} alert on {svc} paged the on-call engineer",
    "customer support escalated a wave of tickets about {flow}",
    "a synthetic check for {flow} started failing",
    "an engineer noticed the {metric} spike on {dash}",
    "the SLO burn-rate alert for {svc} fired",
    "a partner reported failures through the support channel",
)
ESCALATIONS: tuple[str, ...] = (
    "Incident declared as {sev}; {role} paged",
    "Escalated to the {team} on-call",
    "Incident commander assigned and {chan} opened",
    "Paged the owning team for {other}",
)
COMMUNICATIONS: tuple[str, ...] = (
    "Status page updated: investigating problems with {flow}",
    "Support briefed with a customer-facing statement",
    "Update posted in {chan} for stakeholders",
)
RESOLUTIONS: tuple[str, ...] = (
    "Metrics back to baseline; incident resolved",
    "{svc} healthy for 30 minutes; incident closed",
    "Error rate back to normal; resolved",
    "Monitoring confirmed full recovery",
)
RESOLUTION_SENTENCES: tuple[str, ...] = (
    "full recovery took {ttr}",
    "the incident was resolved {ttr} after it began",
    "everything was back to normal after {ttr}",
    "the service was fully healthy again after {ttr}",
)
IMPACTS: tuple[str, ...] = (
    "{symptom} for about {minutes} minutes. Roughly {customers} customers were affected.",
    "For {minutes} minutes {symptom_lc}. Support received tickets from about {customers} "
    "customers.",
    "Around {customers} customers were affected: {symptom_lc}. Degradation lasted {minutes} "
    "minutes.",
)
IMPACTS_INTERNAL: tuple[str, ...] = (
    "No customer-visible impact; {symptom_lc} for {minutes} minutes, affecting internal users.",
    "Internal only: {symptom_lc}. The degradation lasted {minutes} minutes.",
)

# --------------------------------------------------------------------------- background items

#: Theme category -> possible theme labels.
THEME_LABELS: dict[str, tuple[str, ...]] = {
    "detection": ("Alerting and detection", "Detection gaps", "Alerting"),
    "response": ("Incident response", "Coordination", "Response process"),
    "communication": ("Communication", "Stakeholder updates"),
    "deploy": ("Deploys and rollbacks", "Release safety", "Change management"),
    "docs": ("Runbooks and documentation", "Documentation", "Knowledge sharing"),
    "capacity": ("Capacity and scaling", "Capacity", "Resource limits"),
    "dependencies": ("Dependencies", "Resilience to dependencies", "Infrastructure"),
    "ownership": ("Ownership", "Ownership and accountability"),
    "testing": ("Testing", "Test coverage"),
    "observability": ("Observability", "Dashboards and tracing"),
    "oncall": ("On-call health", "On-call load"),
    "data": ("Data quality", "Data correctness"),
    "security": ("Security and access", "Access control"),
    "techdebt": ("Technical debt", "Legacy systems"),
}

#: Section -> (theme category, template) pairs. ``[a|b]`` picks one alternative.
BACKGROUND: dict[str, tuple[tuple[str, str], ...]] = {
    "went_well": (
        (
            "detection",
            "The {metric} alert fired within {mins} minutes of the [first errors|first "
            "failed requests|impact starting]",
        ),
        (
            "detection",
            "Synthetic checks for {flow} [caught|flagged] the problem before customers did",
        ),
        ("detection", "The SLO burn-rate alert gave us [a clear|an early|an unambiguous] signal"),
        (
            "detection",
            "Anomaly detection on {metric} [picked up|spotted] the change [quickly|within minutes]",
        ),
        (
            "response",
            "The on-call engineer declared an incident [early|right away] instead of "
            "[waiting|investigating alone]",
        ),
        ("response", "{role} kept a clear timeline in {chan} [the whole time|throughout]"),
        (
            "response",
            "Handover between time zones was [smooth|seamless]; nobody had to re-ask questions",
        ),
        ("response", "People from {team} joined quickly and offered help without being asked"),
        (
            "response",
            "We split into two investigation tracks, which [cut|halved] the diagnosis time",
        ),
        (
            "response",
            "{role} [protected|shielded] the responders from [interruptions|side conversations]",
        ),
        (
            "response",
            "Everyone used the same [hypothesis list|shared doc], so nobody chased the "
            "same lead twice",
        ),
        (
            "response",
            "The decision to [roll back|stop the bleeding] first and investigate later "
            "[paid off|was the right call]",
        ),
        ("communication", "Support had a customer-facing statement within {mins} minutes"),
        (
            "communication",
            "Status page updates went out [regularly|every 30 minutes] and were easy to understand",
        ),
        ("communication", "Stakeholders got a short written summary every half hour"),
        (
            "communication",
            "Account managers [warned|contacted] the largest customers before they noticed",
        ),
        ("communication", "{person} could follow {chan} without needing extra context"),
        ("deploy", "Rolling back with {tool} took under {mins} minutes"),
        (
            "deploy",
            "The feature flag let us [switch off|disable] the {flow} change without a "
            "[release|redeploy]",
        ),
        ("deploy", "The release had a clear changelog, so the suspect change was found fast"),
        ("deploy", "Small, frequent releases meant the [diff|change set] to inspect was tiny"),
        (
            "deploy",
            "The release freeze was [respected|applied] immediately, so nothing else "
            "changed under us",
        ),
        ("docs", "{doc} for {svc} was up to date and the steps worked as written"),
        ("docs", "The architecture diagram helped newer team members follow along"),
        ("docs", "Notes from a [previous|similar] incident [gave us|pointed to] the fix"),
        ("capacity", "Autoscaling absorbed most of the extra load on {other}"),
        ("capacity", "Headroom on {other} meant the blast radius stayed small"),
        ("capacity", "Load shedding at the gateway kept {flow} [responsive|usable] for most users"),
        ("dependencies", "The fallback to cached {flow} data kept most users unaffected"),
        ("dependencies", "Graceful degradation in {other} hid the failure from most users"),
        (
            "dependencies",
            "Circuit breakers in {svc} [tripped|opened] as designed and [protected|spared] {other}",
        ),
        ("dependencies", "Bulkheads kept the trouble [contained|isolated] to {svc}"),
        ("observability", "Distributed traces in {dash} pointed straight at the slow span"),
        ("observability", "{dash} made the {metric} change obvious at a glance"),
        ("observability", "Structured request fields let us filter by customer in seconds"),
        (
            "observability",
            "Exemplars on the latency graph [led|linked] us to individual failing requests",
        ),
        ("ownership", "The service catalogue told us immediately who owns {thing}"),
        ("ownership", "The owning team for {other} [answered|responded] within minutes at night"),
        ("oncall", "The secondary on-call took over paging so the first responder could focus"),
        (
            "oncall",
            "Responders [took breaks|swapped out] during the long tail instead of "
            "[burning out|pushing through]",
        ),
        ("testing", "The regression test written after the last incident caught a second bug"),
        ("testing", "Reproducing the bug in {staging} took [only minutes|less than an hour]"),
        ("data", "Idempotent writes meant replaying {flow} events was safe"),
        (
            "data",
            "Point-in-time restore [let us|allowed us to] recover the affected rows "
            "[quickly|cleanly]",
        ),
        (
            "security",
            "Break-glass access worked [first time|as documented] and was [audited|recorded]",
        ),
    ),
    "lessons_learned": (
        ("detection", "Our alerts watch averages, and the averages looked fine while p99 did not"),
        ("detection", "{metric} alone is not a good signal of {svc} health"),
        (
            "detection",
            "We only learned about the impact from [customers|support tickets|social "
            "media], not from monitoring",
        ),
        (
            "detection",
            "Alert thresholds for {svc} were set [years ago|at launch] and never revisited",
        ),
        ("response", "It took {mins} minutes to agree who was incident commander"),
        ("response", "Too many people in {chan} made it hard to follow the investigation"),
        ("response", "We debugged in parallel without sharing findings, and duplicated work"),
        ("response", "We [anchored|fixated] on the first [hypothesis|theory] for too long"),
        (
            "response",
            "Nobody [declared|called] the incident resolved, so people kept [watching|"
            "hanging around] for hours",
        ),
        (
            "communication",
            "Support did not know which customers were affected, so they "
            "[guessed|over-communicated]",
        ),
        ("communication", "Internal updates were frequent but customers heard nothing for an hour"),
        ("communication", "Technical jargon in the status updates [confused|worried] customers"),
        ("deploy", "The rollback path for {svc} had never been exercised with real traffic"),
        ("deploy", "Two unrelated changes shipped together, which made bisecting slow"),
        ("deploy", "Database changes and code changes are released on different schedules"),
        (
            "deploy",
            "A [Friday afternoon|late evening] release left [few|not enough] people "
            "around to respond",
        ),
        ("docs", "{doc} for {svc} described an architecture we retired last year"),
        ("docs", "Only {few} people understand how {thing} works"),
        ("docs", "Tribal knowledge about {thing} [saved|rescued] us, which is itself a risk"),
        ("capacity", "We did not know the real throughput limit of {thing}"),
        ("capacity", "Autoscaling reacts in minutes, but the spike built up in seconds"),
        (
            "capacity",
            "Near its limit {svc} [degrades|falls over] [sharply|abruptly] instead of gracefully",
        ),
        ("dependencies", "{svc} depends on {other} more tightly than the diagram suggests"),
        ("dependencies", "A soft dependency on {vendor} turned out to be a hard one"),
        (
            "dependencies",
            "Timeouts between {svc} and {other} were longer than the user-facing timeout",
        ),
        (
            "dependencies",
            "[Hidden|Undocumented] coupling between {thing} and {svc} [surprised|"
            "caught out] everyone",
        ),
        ("ownership", "Nobody clearly owned {thing}, so fixes waited for volunteers"),
        ("ownership", "The alert went to a team that no longer maintains {svc}"),
        ("testing", "{staging} does not have realistic data for {flow}"),
        ("testing", "Our integration tests mock {other}, so the contract change went unnoticed"),
        (
            "testing",
            "The edge case only [appears|shows up] with [production-sized|real] data volumes",
        ),
        (
            "observability",
            "We could not tell which version of {svc} each [pod|instance] was running",
        ),
        ("observability", "Request identifiers are lost between {svc} and {other}"),
        ("observability", "Dashboards showed [symptoms|effects] but nothing pointed to the cause"),
        ("oncall", "Paging someone at 3 a.m. for a low-impact issue wore the on-call team down"),
        (
            "oncall",
            "Responders [lacked|did not have] production access and lost time waiting for it",
        ),
        ("data", "Silent data errors are far more expensive to clean up than loud failures"),
        ("data", "Fixing the data took [longer|far longer] than fixing the code"),
        (
            "security",
            "Emergency access [bypassed|skipped] review, and afterwards we could not "
            "tell who changed what",
        ),
        ("techdebt", "The [legacy|oldest] part of {svc} is where most of our incidents start"),
    ),
    "future_considerations": (
        ("detection", "Add an SLO burn-rate alert for {flow}"),
        ("detection", "Alert on {metric} for {svc} instead of host-level signals"),
        ("detection", "Page on customer-facing symptoms rather than internal causes"),
        ("detection", "Review every {svc} alert [threshold|condition] with the owning team"),
        ("response", "Run a game day on {svc} {when}"),
        ("response", "Keep an incident commander rota so the role is never improvised"),
        (
            "response",
            "Adopt a [standard|shared] checklist for the first ten minutes of an incident",
        ),
        ("communication", "Prepare status page templates for the common failure modes"),
        ("communication", "Give support a live view of affected customers during incidents"),
        ("communication", "Agree [thresholds|criteria] for when to notify customers proactively"),
        ("deploy", "Make rollbacks of {svc} a single button in {tool}"),
        ("deploy", "Ship database migrations separately from application releases"),
        ("deploy", "Progressive delivery for {svc} with automatic abort on {metric}"),
        (
            "deploy",
            "Block [late Friday|end-of-day] releases for {svc} unless someone stays on call",
        ),
        ("docs", "Rewrite {doc} for {svc} and review it every quarter"),
        ("docs", "Record a walkthrough of {thing} for new joiners"),
        (
            "docs",
            "Link each alert to [the section of the runbook|a runbook entry] that explains it",
        ),
        ("capacity", "Load test {svc} at twice last year's peak {when}"),
        ("capacity", "Set explicit resource requests and limits for {thing}"),
        (
            "capacity",
            "[Reserve|Keep] headroom for {svc} ahead of [campaigns|sales events|launches]",
        ),
        ("dependencies", "Add a circuit breaker around calls from {svc} to {other}"),
        ("dependencies", "Design a degraded mode for {flow} when {vendor} is down"),
        ("dependencies", "Consider splitting {thing} out of {svc}"),
        ("dependencies", "Make the call from {svc} to {other} asynchronous"),
        ("ownership", "Assign an owning team to {thing} in the service catalogue"),
        (
            "ownership",
            "Review action items from past incidents [monthly|every sprint] with the team leads",
        ),
        ("testing", "Contract tests between {svc} and {other}"),
        ("testing", "Refresh {staging} with anonymised production data every week"),
        ("testing", "Add chaos experiments for {thing} to the [weekly|nightly] pipeline"),
        ("observability", "Propagate trace context through {thing}"),
        ("observability", "Build a single dashboard for {flow} from the customer's view"),
        ("observability", "Tag every metric with the release version of {svc}"),
        ("oncall", "Review the paging policy so low-impact alerts wait until morning"),
        (
            "oncall",
            "Pair new on-call engineers with an experienced [buddy|shadow] for their "
            "first [shift|week]",
        ),
        ("data", "Add reconciliation checks that compare {flow} totals across systems"),
        ("data", "Validate row counts before publishing the output of {thing}"),
        (
            "security",
            "Replace shared admin credentials for {thing} with [personal|short-lived] access",
        ),
        ("techdebt", "Budget time {when} to retire the legacy parts of {svc}"),
    ),
    "ongoing_problem": (
        (
            "testing",
            "The {svc} test suite is [flaky|unreliable|non-deterministic], so people "
            "[re-run it until it passes|merge on red|ignore failures]",
        ),
        (
            "testing",
            "{staging} [drifts from|no longer matches|lags behind] production and nobody "
            "[owns keeping it in sync|has time to fix it]",
        ),
        (
            "testing",
            "End-to-end tests for {flow} take {few} hours, so they are [often skipped|"
            "run only nightly|disabled before releases]",
        ),
        (
            "testing",
            "There are no automated tests for {thing}; changes are verified [by hand|in "
            "production|by clicking around]",
        ),
        (
            "testing",
            "Test data for {flow} is [hand-made|years old|copied from a spreadsheet] and "
            "misses real edge cases",
        ),
        (
            "detection",
            "Alert [noise|fatigue]: the {team} on-call gets [dozens of|about forty|too "
            "many] [non-actionable|duplicate|low-value] pages a week",
        ),
        (
            "detection",
            "Several [alerts|monitors] for {svc} have no [clear threshold|owner|runbook link]",
        ),
        (
            "detection",
            "We still cannot [detect|see] partial failures of {flow} until [customers "
            "complain|support escalates|the morning report]",
        ),
        (
            "detection",
            "Health checks for {svc} report OK even when {other} is [unreachable|broken|degraded]",
        ),
        ("oncall", "The {team} on-call schedule has only {few} people"),
        (
            "oncall",
            "Knowledge of {thing} sits with [one person|a single engineer|one contractor] "
            "who is often [on leave|busy elsewhere|in another time zone]",
        ),
        (
            "oncall",
            "Night pages for {svc} [keep waking|regularly wake] people for issues that "
            "could wait until morning",
        ),
        (
            "oncall",
            "New on-call engineers get no [shadowing|training|handover] before their first shift",
        ),
        (
            "ownership",
            "{thing} has been [unowned|orphaned|nobody's responsibility] since [the "
            "reorganisation|the team split|its author left]",
        ),
        (
            "ownership",
            "Cross-team fixes [stall|sit in the backlog for months] because nobody can "
            "prioritise them",
        ),
        (
            "ownership",
            "Action items from earlier post-mortems on {svc} are still [open|untouched|"
            "waiting for capacity]",
        ),
        (
            "docs",
            "{doc} for {svc} is [out of date|wrong in several places|missing the recent "
            "changes] again",
        ),
        (
            "docs",
            "Escalation [paths|contacts] for {vendor} are kept in someone's [personal "
            "notes|inbox|head]",
        ),
        (
            "docs",
            "There is no [architecture diagram|dependency map|data-flow picture] for {flow} "
            "that anyone trusts",
        ),
        (
            "observability",
            "Dashboards for {svc} still [point at|show] metrics from the [old "
            "cluster|previous platform|retired data centre]",
        ),
        (
            "observability",
            "Tracing is sampled so [heavily|aggressively] that rare failures never show up",
        ),
        (
            "observability",
            "Error messages from {thing} do not say which [request|customer|tenant] failed",
        ),
        ("observability", "We have no [per-customer|per-tenant|per-region] view of {metric}"),
        (
            "observability",
            "Metrics for {thing} are [scattered across three tools|named "
            "inconsistently|missing units]",
        ),
        (
            "deploy",
            "Releases of {svc} take over [an hour|ninety minutes|half a day], so "
            "hot-fixes are slow",
        ),
        (
            "deploy",
            "Manual steps in the {svc} release checklist are [still easy to skip|done "
            "from memory|undocumented]",
        ),
        (
            "deploy",
            "Rolling back {svc} needs a [database restore|manual data fix|coordinated "
            "release of {other}]",
        ),
        (
            "deploy",
            "Feature flags in {svc} are never cleaned up; [hundreds|dozens] of stale flags remain",
        ),
        ("dependencies", "{svc} still calls {other} synchronously on the [critical|request] path"),
        (
            "dependencies",
            "We have no [contractual support contact|escalation route|status feed] at {vendor}",
        ),
        ("dependencies", "The {lang} client for {thing} is several major versions behind"),
        (
            "dependencies",
            "{vendor} changes its API [without notice|with little warning] and we "
            "find out in production",
        ),
        (
            "dependencies",
            "A shared library update [needs|requires] changes in {few} services at once",
        ),
        ("capacity", "Nobody knows the current headroom of {thing}"),
        ("capacity", "Cost pressure keeps {svc} running with almost no spare capacity"),
        ("capacity", "Autoscaling for {svc} is [tuned for|based on] last year's traffic"),
        ("capacity", "Quota limits at {vendor} are [close to|near] what we use at peak"),
        (
            "capacity",
            "Batch jobs and live traffic for {svc} share the same [database|cluster|nodes]",
        ),
        ("data", "Duplicate {flow} events still appear a few times a week"),
        ("data", "Backfills of {thing} are [manual scripts|ad hoc notebooks] run from a laptop"),
        (
            "data",
            "Totals in {flow} and the finance reports [disagree|do not reconcile] every month",
        ),
        (
            "data",
            "Schema changes in {thing} break [downstream consumers|reports|the warehouse] "
            "without warning",
        ),
        (
            "communication",
            "Status page updates depend on [one person|a single support lead] who knows the tool",
        ),
        (
            "communication",
            "Customers [hear about|learn of] incidents from social media before our status page",
        ),
        ("response", "Incident roles are still assigned ad hoc during the call"),
        (
            "response",
            "The incident bridge [fills with|attracts] observers who [ask for updates|"
            "interrupt responders]",
        ),
        (
            "response",
            "Production access for {svc} needs an approval that takes [twenty minutes|"
            "too long] at night",
        ),
        ("security", "Shared admin credentials for {thing} are still in use"),
        ("security", "Break-glass access to {svc} has never been tested"),
        (
            "techdebt",
            "The {thing} code is [a decade old|written in a language nobody here "
            "knows|untouched since launch]",
        ),
        ("techdebt", "Parts of {svc} still run on an [unsupported|end-of-life] runtime"),
        (
            "testing",
            "Load tests for {svc} [have not been run|were last run] since [last year|"
            "the migration]",
        ),
        ("testing", "Mocks of {vendor} in our tests [drift from|differ from] the real API"),
        ("testing", "Nobody [runs|maintains] the performance benchmarks for {thing} any more"),
        (
            "detection",
            "Synthetic checks cover [the happy path|only the landing page] of {flow} "
            "and nothing else",
        ),
        (
            "detection",
            "Business metrics for {flow} are [only reviewed weekly|checked by hand], "
            "so slow bleeds go unnoticed",
        ),
        ("detection", "Alerts from {thing} [go to|land in] an email inbox nobody watches"),
        (
            "oncall",
            "Compensation for out-of-hours work on {svc} is [unclear|still unresolved], "
            "and morale is low",
        ),
        ("oncall", "The {team} on-call covers {few} services it did not build"),
        ("oncall", "Hand-offs between the weekday and weekend on-call lose context"),
        ("ownership", "{svc} and {other} both assume the other side [validates|sanitises] input"),
        ("ownership", "Decisions about {thing} need sign-off from {few} teams, so nothing changes"),
        ("docs", "Onboarding material for {svc} [refers to|describes] tools we no longer use"),
        ("docs", "Post-mortems are [hard to find|scattered across wikis], so lessons get lost"),
        ("docs", "The data contract for {flow} events is not written down anywhere"),
        ("observability", "Sampling in {dash} hides [short|brief] spikes of {metric}"),
        ("observability", "{thing} emits no metrics at all"),
        ("observability", "Clock drift between hosts makes [timelines|event ordering] unreliable"),
        ("observability", "Errors from {vendor} are swallowed and reported as success"),
        ("deploy", "Hot-fixes for {svc} skip code review under time pressure"),
        (
            "deploy",
            "Infrastructure changes to {thing} are applied by hand and drift from the "
            "Terraform state",
        ),
        (
            "deploy",
            "Release notes for {svc} are [empty|auto-generated and meaningless] most of the time",
        ),
        ("deploy", "Database migrations for {svc} cannot be reversed"),
        ("dependencies", "{other} has no SLO, so {svc} cannot plan around its availability"),
        (
            "dependencies",
            "Timeout values across {svc} and {other} are [inconsistent|copied from examples]",
        ),
        ("dependencies", "We depend on a single region of {vendor} with no [plan B|alternative]"),
        ("dependencies", "Upgrading {thing} is blocked by an [abandoned|unmaintained] plugin"),
        (
            "capacity",
            "Memory limits for {svc} are [guesses|copied from another service] and cause OOM kills",
        ),
        (
            "capacity",
            "Seasonal peaks for {flow} are [forecast|planned] in a spreadsheet nobody updates",
        ),
        ("capacity", "The queue behind {thing} has no size limit"),
        ("capacity", "Cold starts of {svc} take [minutes|too long], so scaling up lags demand"),
        (
            "data",
            "Personal data in {flow} [exports|snapshots] is not [masked|redacted] in {staging}",
        ),
        ("data", "Time zones in {flow} records are [inconsistent|mixed], and reports disagree"),
        ("data", "Soft-deleted {flow} records still show up in [search|exports]"),
        ("data", "Replaying events for {flow} is unsafe because handlers are not idempotent"),
        ("communication", "Product managers learn about incidents [from customers|after the fact]"),
        ("communication", "Incident updates go out in a different channel every time"),
        (
            "response",
            "Responders [spend|lose] the first minutes finding the right dashboards for {svc}",
        ),
        ("response", "Severity levels are applied inconsistently across teams"),
        ("response", "We still have no way to page {vendor} directly"),
        (
            "security",
            "Secrets for {svc} are [copied between environments|kept in environment files]",
        ),
        ("security", "Audit trails for admin actions in {thing} are incomplete"),
        ("techdebt", "{thing} depends on a [forked|patched] library nobody dares to upgrade"),
        ("techdebt", "Half of {svc} was moved to the new framework, the other half was not"),
        ("techdebt", "A cron job on a single VM still [runs|drives] part of {flow}"),
    ),
}

#: Theme category -> (action kind, title template).
ACTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "detection": (
        ("detect", "Add an alert on {metric} for {svc}"),
        ("detect", "Add a synthetic check for {flow}"),
        ("detect", "Tune the noisy {svc} alerts and give each an owner"),
    ),
    "response": (
        ("process", "Publish an incident commander rota"),
        ("process", "Schedule a game day for {svc}"),
        ("process", "Write a first-ten-minutes incident checklist"),
    ),
    "communication": (
        ("process", "Write status page templates for {flow} outages"),
        ("process", "Give support a dashboard of affected customers"),
    ),
    "deploy": (
        ("prevent", "Make {svc} rollbacks a one-click action in {tool}"),
        ("prevent", "Separate schema migrations from {svc} releases"),
        ("mitigate", "Add automatic rollback on {metric} regression for {svc}"),
    ),
    "docs": (
        ("process", "Rewrite the {svc} runbook and add an owner"),
        ("process", "Record a walkthrough of {thing}"),
    ),
    "capacity": (
        ("prevent", "Load test {svc} at twice peak traffic"),
        ("prevent", "Set resource limits for {thing}"),
    ),
    "dependencies": (
        ("mitigate", "Add a circuit breaker from {svc} to {other}"),
        ("mitigate", "Implement a degraded mode for {flow}"),
    ),
    "ownership": (
        ("process", "Assign an owning team for {thing}"),
        ("process", "Review open post-mortem actions for {svc} monthly"),
    ),
    "testing": (
        ("prevent", "Add contract tests between {svc} and {other}"),
        ("prevent", "Quarantine unreliable tests in the {svc} suite"),
    ),
    "observability": (
        ("detect", "Propagate trace context through {thing}"),
        ("detect", "Build a customer-view dashboard for {flow}"),
    ),
    "oncall": (
        ("process", "Grow the {team} on-call schedule"),
        ("process", "Move low-impact pages to business hours"),
    ),
    "data": (
        ("detect", "Add reconciliation checks for {flow}"),
        ("prevent", "Validate row counts before publishing {thing} output"),
    ),
    "security": (
        ("prevent", "Replace shared admin credentials for {thing}"),
        ("process", "Test break-glass access to {svc} every quarter"),
    ),
    "techdebt": (
        ("prevent", "Plan the retirement of the legacy parts of {svc}"),
        ("other", "Upgrade the {svc} runtime to a supported version"),
    ),
}

# --------------------------------------------------------------------------- planted problems


@dataclass(frozen=True)
class Problem:
    """A recurring problem planted in several incidents, in ever-changing words.

    Every mention uses one of the problem's anchor words (its slots all carry one),
    so a text clusterer can group the mentions; templates and synonyms make sure
    they never all read the same.
    """

    id: str
    label: str
    rate: float
    """The share of incidents it turns up in."""
    category: str
    """Its theme category."""
    slots: dict[str, tuple[str, ...]]
    ongoing: tuple[str, ...]
    lessons: tuple[str, ...]
    future: tuple[str, ...]
    actions: tuple[tuple[str, str], ...]
    scenario: Scenario
    affinity: dict[str, float] = field(default_factory=dict)
    """Service -> weight (default 1) for the incidents it turns up in."""


PROBLEMS: tuple[Problem, ...] = (
    Problem(
        "recurring-dns-timeouts",
        "DNS resolution timeouts in the cluster",
        0.10,
        "dependencies",
        {
            "dns": (
                "DNS lookups",
                "DNS queries",
                "DNS requests",
                "kube-dns lookups",
                "in-cluster DNS lookups",
                "DNS calls",
                "internal DNS lookups",
                "CoreDNS lookups",
            ),
            "fail": (
                "time out",
                "hang for five seconds",
                "intermittently time out",
                "stall",
                "come back with SERVFAIL",
                "exceed the resolver timeout",
                "get dropped",
                "take whole seconds",
            ),
            "failing": (
                "timeouts",
                "five-second stalls",
                "SERVFAIL errors",
                "resolver timeouts",
                "dropped lookups",
                "latency spikes",
                "intermittent hangs",
            ),
            "where": (
                "in the cluster",
                "inside the cluster",
                "on busy nodes",
                "across the Kubernetes nodes",
                "between pods",
                "from the worker nodes",
                "under conntrack pressure",
                "during node scale-ups",
            ),
        },
        (
            "{dns} still {fail} {where}, and nobody owns the resolver setup",
            "Intermittent {failing} on {dns} {where} remain unexplained",
            "{dns} {fail} {where} whenever traffic spikes",
            "We keep seeing {failing} on {dns} {where}; client-side DNS caching only hides it",
            "Calls from {svc} break when {dns} {fail} {where}",
            "The ndots default multiplies {dns}, and they {fail} {where}",
            "Root cause of the DNS {failing} {where} is still unknown",
            "DNS {failing} {where} showed up again during this incident",
            "The DNS resolver pods are undersized, so {dns} {fail} {where}",
            "No visibility into {failing} of {dns} {where}",
            "Cluster DNS is still fragile: {dns} {fail} {where}",
            "{dns} from {svc} {fail} {where} a few times a day",
        ),
        (
            "Cluster DNS {where} is a single point of failure we had not accounted for",
            "DNS {failing} look exactly like application errors from the outside",
            "We learned that {dns} {fail} {where} long before the DNS pods look unhealthy",
            "Every outbound call from {svc} depends on {dns} that can {fail}",
        ),
        (
            "Consider a node-local DNS cache so {dns} do not {fail} {where}",
            "Scale cluster DNS with the node count so {dns} stop producing {failing}",
            "Lower ndots for {svc} pods to cut the number of {dns} {where}",
            "Add DNS {failing} to the cluster health dashboard",
        ),
        (
            ("prevent", "Deploy a node-local DNS cache on all worker nodes"),
            ("detect", "Alert on cluster DNS error rate and p99 lookup latency"),
            ("mitigate", "Lower ndots to 2 for {svc} pods"),
            ("prevent", "Autoscale cluster DNS with the number of nodes"),
        ),
        Scenario(
            "lookup-failures",
            ("Intermittent errors calling internal services from {svc}", "{svc} upstream timeouts"),
            (
                "the cluster resolver started dropping queries under load and {svc} calls to "
                "internal hosts timed out",
                "name lookups from {svc} pods stalled for five seconds at a time",
            ),
            (
                "{pct}% of {svc} requests failed with upstream timeouts",
                "{flow} failed intermittently for many users",
            ),
            (
                "restarted the resolver pods and added replicas",
                "enabled client-side caching in {svc} as a stopgap",
            ),
            ("network",),
        ),
    ),
    Problem(
        "recurring-cert-expiry",
        "Certificate expiry not alerted",
        0.06,
        "detection",
        {
            "cert": (
                "TLS certificate",
                "x509 certificate",
                "SSL certificate",
                "mTLS certificate",
                "intermediate certificate",
                "client certificate",
                "wildcard certificate",
                "TLS cert",
            ),
            "expired": (
                "expired",
                "ran out",
                "lapsed",
                "hit its expiry date",
                "passed its notAfter date",
                "expired silently",
                "went past its expiry",
            ),
            "noalert": (
                "without any alert",
                "with no warning",
                "and nothing paged",
                "before anyone noticed",
                "with no monitoring in place",
                "and no alert fired",
                "without a reminder",
            ),
            "renewal": ("renewal", "certificate renewal", "cert renewal", "auto-renewal"),
            "host": (
                "the payment gateway",
                "the public load balancer",
                "the internal API gateway",
                "the partner endpoint",
                "the CDN edge",
                "the SMTP relay",
                "the webhook receiver",
            ),
        },
        (
            "The {cert} on {host} {expired} {noalert}",
            "We have no alert on {cert} expiry dates; {renewal} is still manual",
            "[Renewing|Reissuing] the {cert} on {host} depends on a calendar reminder",
            "[Another|Yet another|Once more a] {cert} [on {host}|for {svc}|] {expired} {noalert}",
            "Nothing [tracks|warns us|tells us] when a {cert} is about to expire",
            "Expired certificates are found by customers, not by monitoring; this time the {cert} "
            "on {host}",
            "[Renewing|Replacing] the {cert} for {svc} is manual and undocumented",
            "The expiry date of the {cert} used by {svc} is not monitored",
            "Our {renewal} job failed weeks ago and the {cert} {expired} {noalert}",
            "Certificates still expire {noalert}; the {cert} on {host} {expired}",
            "Who renews the {cert} on {host}? It {expired} {noalert}",
        ),
        (
            "A {cert} can expire {noalert}; we assumed {renewal} was automatic",
            "[Renewing|Reissuing] a {cert} is a yearly task that nobody remembers how to do",
            "We learned that the {cert} on {host} was [never part of|outside] automated renewal",
        ),
        (
            "Add expiry alerts 30 days ahead for every {cert}",
            "Move {renewal} to cert-manager so no {cert} depends on a person",
            "Keep an inventory of every {cert} with its owner and expiry date",
        ),
        (
            ("detect", "Alert 30 days before any certificate expires"),
            ("prevent", "Automate certificate renewal with cert-manager for {svc}"),
            ("process", "Inventory all certificates and their owners"),
        ),
        Scenario(
            "tls-errors",
            ("TLS handshake failures on {svc}", "Clients rejecting connections to {svc}"),
            (
                "the certificate served in front of {svc} expired and clients rejected "
                "the handshake",
                "an expired intermediate certificate broke TLS between {svc} and {other}",
            ),
            ("every new connection to {svc} failed", "{flow} failed for all mobile app users"),
            ("installed a renewed certificate by hand", "rolled out a new certificate chain"),
            ("security",),
        ),
        {"auth": 2.0, "payments": 2.0, "web-frontend": 1.5, "notifications": 1.2},
    ),
    Problem(
        "recurring-pool-exhaustion",
        "Connection pool exhaustion under load",
        0.12,
        "capacity",
        {
            "pool": (
                "connection pool",
                "DB connection pool",
                "HikariCP pool",
                "database connection pool",
                "pgbouncer pool",
                "HTTP connection pool",
                "pool of DB connections",
            ),
            "exhausted": (
                "is exhausted",
                "runs dry",
                "maxes out",
                "hits its limit",
                "saturates",
                "runs out of connections",
                "is fully checked out",
            ),
            "load": (
                "under load",
                "at peak traffic",
                "during traffic spikes",
                "when traffic doubles",
                "during the evening peak",
                "under burst traffic",
                "at high request rates",
            ),
        },
        (
            "The {pool} of {svc} {exhausted} {load}",
            "Threads in {svc} block waiting on the {pool}, which {exhausted} {load}",
            "Pool size is hard-coded, so the {pool} {exhausted} {load}",
            "Requests queue for a connection when the {pool} {exhausted} {load}",
            "We still do not know the right size for the {pool}; it {exhausted} {load}",
            "Connection leaks in {svc} mean the {pool} {exhausted} {load}",
            "Acquire timeouts from the {pool} pile up {load}",
            "Once again the {pool} {exhausted} {load} and requests wait for connections",
            "The {pool} in {svc} is sized for average traffic and {exhausted} {load}",
            "Pool limits are per pod, so the {pool} {exhausted} {load} as we scale out",
        ),
        (
            "The {pool} {exhausted} {load} long before CPU or memory look busy",
            "We learned that one slow query is enough to drain the {pool} of {svc}",
            "Adding replicas of {svc} multiplies pool connections; the {pool} {exhausted} {load}",
        ),
        (
            "Size the {pool} from load tests, not guesses",
            "Add an acquire timeout and a queue limit to the {pool} of {svc}",
            "Put pgbouncer in front of the database so the {pool} stops running dry {load}",
        ),
        (
            ("mitigate", "Raise the pool size and add an acquire timeout in {svc}"),
            ("detect", "Alert on connection pool utilisation above 80%"),
            ("prevent", "Load test {svc} at 2x peak with production pool settings"),
        ),
        Scenario(
            "timeouts",
            ("{svc} timeouts at peak", "Request timeouts in {svc}"),
            (
                "the database connections of {svc} ran out at peak traffic and requests queued",
                "a slow query held connections in {svc} until none were left",
            ),
            ("{pct}% of {flow} requests timed out", "p99 latency of {svc} passed {hi} ms"),
            (
                "raised the connection limit and restarted {svc}",
                "killed the slow queries and restarted the pods",
            ),
            ("capacity",),
        ),
        {"checkout-api": 2.0, "payments": 1.5, "inventory": 1.5, "auth": 1.2},
    ),
    Problem(
        "recurring-config-no-canary",
        "Config push without canary",
        0.08,
        "deploy",
        {
            "config": (
                "config change",
                "config push",
                "runtime config update",
                "config rollout",
                "routing config edit",
                "feature config update",
                "config deploy",
            ),
            "nocanary": (
                "without a canary",
                "with no canary stage",
                "without any canary step",
                "straight to every host",
                "to all regions at once",
                "with no staged rollout",
                "to the whole fleet in one step",
            ),
            "went": ("went out", "was pushed", "rolled out", "shipped", "was applied"),
        },
        (
            "A {config} [for {svc}|touching {flow}|from the {team} team|] {went} {nocanary}",
            "Config pushes [still go|keep going|are still sent] {nocanary}; only code releases "
            "[get|go through] a canary",
            "The config [system|tooling|service] lets [anyone|any engineer|every team] push "
            "{nocanary}",
            "Nothing [stops|prevents|blocks] a {config} from going {nocanary}",
            "A bad {config} reached {svc} {nocanary}",
            "Every {config} for {svc} {went} {nocanary} and there is no validation step",
            "Again a {config} {went} {nocanary} and broke {svc}",
            "The {config} path bypasses the release pipeline and goes {nocanary}",
            "Config changes have no canary or staged rollout; this {config} {went} {nocanary}",
            "We [cannot|have no way to] canary a {config} for {svc}, so it {went} {nocanary}",
            "[Yet another|One more] {config} {went} {nocanary} [on a Friday|during peak|overnight]",
        ),
        (
            "A {config} is as risky as a code release but {went} {nocanary}",
            "We learned that a single {config} can reach the whole fleet {nocanary}",
            "Config is code: a {config} needs review and a canary too",
        ),
        (
            "Route every {config} through a canary before it goes fleet-wide",
            "Add schema validation so a broken {config} cannot go out {nocanary}",
            "Stage each {config} by region with a canary instead of pushing {nocanary}",
        ),
        (
            ("prevent", "Route config pushes through the canary stage"),
            ("prevent", "Add schema validation to the config pipeline"),
            ("process", "Require a second reviewer for global config changes"),
        ),
        Scenario(
            "bad-config",
            ("Bad config rollout broke {svc}", "{svc} misconfiguration"),
            (
                "a configuration change for {svc} reached every region at once with an invalid "
                "value",
                "a routing config update sent {svc} traffic to a decommissioned backend",
            ),
            ("{pct}% of {flow} requests failed", "{svc} rejected most requests"),
            ("reverted the config change", "restored the previous config version"),
            ("deploy",),
        ),
    ),
    Problem(
        "recurring-disk-logs",
        "Disk fills from unrotated logs",
        0.07,
        "capacity",
        {
            "disk": (
                "disk",
                "root disk",
                "data disk",
                "node disk",
                "local disk",
                "boot disk",
                "disk under /var",
            ),
            "fills": (
                "fills up",
                "hits 100%",
                "runs out of space",
                "fills to capacity",
                "reaches 100% usage",
                "is full within days",
            ),
            "logs": (
                "logs that are never rotated",
                "unrotated application logs",
                "debug logs without logrotate",
                "log files nobody rotates",
                "ever-growing access logs",
                "verbose logs with no retention",
                "old log files and core dumps",
            ),
        },
        (
            "The {disk} on {svc} hosts {fills} with {logs}",
            "Space on the {disk} is eaten by {logs}",
            "Logrotate is not set up for {svc}, so the {disk} {fills} with logs",
            "Once again the {disk} {fills} because of {logs}",
            "Log retention is undefined; the {disk} {fills} every few weeks",
            "Disk usage alerts fire only at 95%, right before the {disk} {fills} with {logs}",
            "Nobody cleans up {logs}, and the {disk} {fills}",
            "The {disk} of {svc} {fills} after a week of {logs}",
            "{logs} on {svc} nodes keep filling the {disk}",
        ),
        (
            "A {disk} that {fills} takes the whole host down, not just the logging",
            "We learned that {logs} grow ten times faster at debug level and the {disk} {fills}",
            "Log volume of {svc} is nobody's budget, so the {disk} {fills}",
        ),
        (
            "Ship logs off-host so the {disk} never {fills}",
            "Set retention for {logs} and enforce it so the {disk} stays below 80%",
            "Forecast {disk} usage and alert days before it {fills} with logs",
        ),
        (
            ("prevent", "Configure logrotate with 7-day retention on {svc} hosts"),
            ("detect", "Alert at 80% disk usage with a growth-rate forecast"),
            ("prevent", "Ship logs off-host and stop writing debug logs in production"),
        ),
        Scenario(
            "disk-full",
            ("{svc} hosts out of disk space", "Write failures on {svc} nodes"),
            (
                "the volume on several {svc} hosts filled up and writes started failing",
                "{svc} nodes ran out of space and the process could not write its state",
            ),
            ("{svc} stopped accepting work", "{pct}% of {flow} requests failed"),
            ("deleted old files and restarted {svc}", "attached larger volumes and cleaned up"),
            ("capacity",),
        ),
        {"data-pipeline": 2.0, "search": 1.5, "notifications": 1.5},
    ),
    Problem(
        "recurring-db-failover",
        "Flaky failover of the primary DB",
        0.05,
        "dependencies",
        {
            "db": (
                "primary database",
                "Postgres primary",
                "primary DB",
                "MySQL primary",
                "writer node",
                "database primary",
                "primary instance",
            ),
            "failover": (
                "failover",
                "managed failover",
                "DB failover",
                "Patroni failover",
                "failover to the replica",
                "primary failover",
                "scripted failover",
            ),
            "flaky": (
                "is unreliable",
                "hangs half-way",
                "takes ten minutes instead of thirty seconds",
                "leaves two writers",
                "does not complete",
                "needs a manual nudge",
                "fails intermittently",
            ),
        },
        (
            "When the {db} goes away, {failover} {flaky}",
            "We do not trust {failover} for the {db}; it {flaky}",
            "The {failover} path for the {db} is untested and {flaky}",
            "Apps keep connecting to the old {db} after a {failover}",
            "Nobody has rehearsed {failover} of the {db} since the last time",
            "The {db} {failover} {flaky} and writes stop until someone intervenes",
            "Our {failover} tooling for the {db} {flaky}",
            "Replica lag makes {failover} of the {db} risky, and it {flaky}",
            "Failover of the {db} {flaky} again",
        ),
        (
            "{failover} of the {db} {flaky} in exactly the situation it exists for",
            "We learned that the {db} endpoint is cached by clients across a {failover}",
            "A {failover} of the {db} needs a practised runbook, not improvisation",
        ),
        (
            "Run a monthly {failover} drill for the {db}",
            "Make clients follow the {db} through a {failover} via the cluster endpoint",
            "Consider a cloud-managed database so {failover} of the {db} stops being our problem",
        ),
        (
            ("prevent", "Run a monthly failover drill for the primary database"),
            ("detect", "Alert when the cluster has no writable primary for 60 s"),
            ("mitigate", "Use the cluster endpoint so clients follow a failover"),
        ),
        Scenario(
            "db-failover",
            ("Database failover stalled for {svc}", "Write outage on the {svc} database"),
            (
                "the primary database host of {svc} failed and the promotion of a replica stalled",
                "a maintenance event on the {svc} primary triggered a promotion that hung",
            ),
            ("writes in {flow} failed", "{svc} was read-only and {pct}% of requests failed"),
            ("promoted the replica by hand", "restarted the cluster manager and repointed clients"),
            ("database",),
        ),
        {"payments": 2.0, "inventory": 2.0, "checkout-api": 1.5, "auth": 1.2},
    ),
    Problem(
        "recurring-retry-storm",
        "Retry storms amplify partial outages",
        0.09,
        "dependencies",
        {
            "retry": (
                "retry loops",
                "client retry loops",
                "retry bursts",
                "automatic retry attempts",
                "SDK retry attempts",
                "retry waves",
                "aggressive retry policies",
            ),
            "storm": (
                "retry storm",
                "thundering herd of retry attempts",
                "wave of retry traffic",
                "flood of retry requests",
                "retry avalanche",
            ),
            "nobackoff": (
                "without backoff",
                "with no jitter or backoff",
                "with no exponential backoff",
                "without a retry budget",
                "immediately, with no backoff",
                "with no cap or backoff",
            ),
            "amplify": (
                "multiply the load",
                "turn a blip into an outage",
                "amplify the failure",
                "triple the traffic",
                "keep the backend down",
                "overload the recovering backend",
            ),
        },
        (
            "{retry} in {svc} run {nobackoff} and {amplify}",
            "A {storm} from [clients|callers|consumers] of {svc} made the partial failure "
            "[worse|last longer|spread]",
            "Our {retry} {amplify} as soon as {svc} [slows down|returns a few errors|hiccups]",
            "[Clients|Callers|Upstream services] retry {nobackoff}, "
            "so small error bursts {amplify}",
            "The {storm} after recovery knocked {svc} over [again|a second time|once more]",
            "Every layer adds its own {retry} {nobackoff}; together they {amplify}",
            "Mobile apps fire {retry} {nobackoff}, which {amplify}",
            "We still have {retry} {nobackoff} between {svc} and {other}",
            "Partial failures turn into a {storm} because {retry} {amplify}",
        ),
        (
            "{retry} {nobackoff} {amplify}; the original fault was small",
            "We learned that a {storm} can keep a service down long after the cause is gone",
            "Stacked {retry} across layers {amplify}",
        ),
        (
            "Add exponential backoff with jitter to all {retry}",
            "Introduce a retry budget so a {storm} cannot form",
            "Only retry at one layer, and never {nobackoff}",
        ),
        (
            ("mitigate", "Add exponential backoff with jitter to {svc} clients"),
            ("prevent", "Introduce a retry budget in the shared HTTP client"),
            ("detect", "Alert on retry rate per client"),
        ),
        Scenario(
            "overload",
            ("Retry-driven overload of {svc}", "{svc} overloaded after a brief blip"),
            (
                "a short latency blip in {other} made clients of {svc} retry in a tight loop",
                "a partial failure in {svc} multiplied traffic as every caller retried at once",
            ),
            ("{svc} received {mult}x its normal traffic", "{pct}% of {flow} requests failed"),
            (
                "shed load at the gateway until traffic settled",
                "blocked the retrying clients temporarily",
            ),
            ("capacity",),
        ),
        {"checkout-api": 1.5, "web-frontend": 1.5, "notifications": 1.2},
    ),
)

# --------------------------------------------------------------------------- filling

_SLOT = re.compile(r"\{(\w+)\}")
_CHOICE = re.compile(r"\[([^\[\]]*)\]")
_LOWER_WORD = re.compile(r"[a-z]+(?=[\s,.;:]|$)")


def fill(template: str, rng: random.Random, *vocabs: Vocab) -> str:
    """Pick one of each ``[a|b]``, fill each ``{slot}`` from the first vocabulary with it.

    The result is capitalised (see :func:`capitalise`).

    Examples
    --------
    >>> fill("{a} went [off|on]", random.Random(1), {"a": ("the pager",)})
    'The pager went off'
    """

    def choose(match: re.Match[str]) -> str:
        options: list[str] = match.group(1).split("|")
        return rng.choice(options)

    def pick(match: re.Match[str]) -> str:
        name = match.group(1)
        for vocab in vocabs:
            if name in vocab:
                return rng.choice(vocab[name])
        raise KeyError(f"no vocabulary for slot {name!r} in {template!r}")

    text = _SLOT.sub(pick, _CHOICE.sub(choose, template) if "[" in template else template)
    return capitalise(text)


def capitalise(text: str) -> str:
    """Upper-case the first letter when the text starts with an ordinary lower-case word.

    Names such as ``checkout-api`` or ``kube-dns`` are left alone.

    Examples
    --------
    >>> capitalise("the pager"), capitalise("kube-dns lookups")
    ('The pager', 'kube-dns lookups')
    """
    if _LOWER_WORD.match(text):
        return text[0].upper() + text[1:]
    return text
