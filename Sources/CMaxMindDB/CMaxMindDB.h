// libmaxminddb (Debian: libmaxminddb-dev) for the GeoIP module: reads MaxMind-format
// databases (GeoLite2, DB-IP's country database).
#ifndef SIPWARDEN_CMAXMINDDB_H
#define SIPWARDEN_CMAXMINDDB_H

#include <sys/socket.h>
#include <netinet/in.h>
#include <maxminddb.h>

#endif
