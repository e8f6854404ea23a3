/* `thingchain fleet --story`: a few plain sentences before each step, for
 * newcomers watching `make demo` (docs/fleet.md). Printed to stdout before
 * the step starts; the progress line stays on stderr. */
#include <stdio.h>

#include "fleet.h"

static const char *const STORY[ST_COUNT] = {
    "The vendor (example-vendor, org 2) builds %N devices. Each is born with an Ed25519 identity\n"
    "key and an X25519 channel key. The vendor records them on the ledger in batches of up to 256,\n"
    "each batch signed by BOTH vendor admins (2-of-2). The claim secret printed on each box never\n"
    "goes on chain: only a key derived from it does.",
    "The operator (example-operator, org 1) claims each of the %N devices with the secret on its\n"
    "box, and sorts them into rollout waves: wave-1 (1 %%), wave-2 (10 %%), wave-3 (the rest).",
    "First boot of %N devices. A device knows only the network's genesis hash. It asks a node for\n"
    "its own ledger record WITH A PROOF (a block header signed by more than 2/3 of the validators\n"
    "plus a Merkle proof), checks that the record holds its keys and names its owner. It trusts no\n"
    "node: a node that lies is caught by the proof.",
    "Discovery among %N devices: every tenth device publishes a telemetry service, signed with its\n"
    "own key. The others look services up; each answer is proven, and so is the provider's record\n"
    "(still active, not revoked).",
    "Channels among %N devices: each device opens an encrypted Noise_KK channel with the provider it\n"
    "found, using only keys proven from the ledger. Through it, it sends three signed, numbered\n"
    "messages and gets a signed reply. A replayed message is refused.",
    NULL,
    "Anchoring: the gateway puts the digests of the messages into Merkle trees of up to 256 and\n"
    "records each root, with its digests, on the ledger. Each of the %N devices then asks a node\n"
    "for its own message's digest and checks the answer itself: the path to an anchored root and\n"
    "the proof of that anchor record.",
    "Configuration: the operator publishes a signed config document for each wave. Each of the %N\n"
    "devices checks it came from its owner, targets its group, is newer than what it runs and has\n"
    "not expired; applies it; reports back with a transaction it signs itself.",
    "Firmware: the vendor publishes a release signed by BOTH its release keys and uploads the\n"
    "image to the nodes; the operator rolls it out in waves (wave-1, then wave-2, then wave-3).\n"
    "Each of the %N devices in a started wave checks the release, its approval and its own wave\n"
    "from the ledger, downloads the image chunk by chunk (each chunk checked as it arrives),\n"
    "checks the whole image, installs it and reports. A mirror that flips one bit in a chunk, and\n"
    "the same release offered again after install, are refused:",
    "Attacks, on a sample of the %N devices: a tampered answer (a lying mirror flips one bit), a\n"
    "stale answer (an old view of the ledger), the config it already runs offered again (a\n"
    "rollback). Each must be refused, with a specific error:",
};

void fleet_story(fleet *f, int step)
{
    if (!f->story || !STORY[step]) return;
    printf("\n== %s\n", f->steps[step].name ? f->steps[step].name : "");
    /* "%N" in the text stands for the number of devices. */
    for (const char *p = STORY[step]; *p; p++) {
        if (p[0] == '%' && p[1] == 'N') { printf("%zu", f->n); p++; }
        else if (p[0] == '%' && p[1] == '%') { putchar('%'); p++; }
        else putchar(*p);
    }
    printf("\n");
    fflush(stdout);
}

void fleet_story_refusal(fleet *f, const char *what, int rc)
{
    if (!f->story) return;
    pthread_mutex_lock(&f->mu);
    printf("   %-16s refused: %s (%d) %s\n", what, tc_errname(rc), rc, tc_strerror(rc));
    fflush(stdout);
    pthread_mutex_unlock(&f->mu);
}
