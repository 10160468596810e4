#!/usr/bin/perl
package Demo::Greeter;
use strict;

sub new {
    my ($class, %args) = @_;
    return bless {%args}, $class;
}

sub greet {
    my ($self, $name) = @_;
    return "hi $name";
}

1;
