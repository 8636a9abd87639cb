/* A plugin "built for plugin API 2": the host must refuse it naming both versions, and must
   never call its create function. PluginHostTests compiles it with cc -shared. */
#include <stdlib.h>

int sipwarden_policy_api_version(void) { return 2; }

int sipwarden_policy_create(void *request) {
    (void)request;
    abort(); /* reaching this is the bug the version check prevents */
}
