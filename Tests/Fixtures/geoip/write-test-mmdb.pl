#!/usr/bin/perl
# Writes a small MaxMind-format country database for the tests (Debian: libmaxmind-db-writer-perl).
#   write-test-mmdb.pl OUTPUT.mmdb CIDR=CODE:Name [CIDR=CODE:Name ...]
# e.g. write-test-mmdb.pl test.mmdb '81.2.69.0/24=GB:United Kingdom' '2001:db8::/32=DE:Germany'
# Records have the GeoLite2-Country / DB-IP shape: {country => {iso_code, names => {en}}}.
# Reserved networks (127.0.0.0/8, TEST-NETs) are allowed, so tests may place loopback ranges.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my ($output, @networks) = @ARGV;
die "usage: $0 OUTPUT.mmdb CIDR=CODE:Name...\n" unless defined $output && @networks;

my %types = (country => 'map', registered_country => 'map', iso_code => 'utf8_string', names => 'map', en => 'utf8_string');
my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version               => 6,
    record_size              => 24,
    database_type            => 'SIPWarden-Test-Country',
    languages                => ['en'],
    description              => { en => 'SIPWarden test country database' },
    map_key_type_callback    => sub { $types{ $_[0] } },
    remove_reserved_networks => 0,
    alias_ipv6_to_ipv4       => 1,
);
for my $network (@networks) {
    my ($cidr, $code, $name) = $network =~ /^([^=]+)=([A-Z]{2}):(.+)$/
        or die "$0: '$network' is not CIDR=CODE:Name\n";
    $tree->insert_network($cidr, { country => { iso_code => $code, names => { en => $name } } });
}
open my $file, '>:raw', $output or die "$0: cannot write $output: $!\n";
$tree->write_tree($file);
close $file or die "$0: cannot write $output: $!\n";
