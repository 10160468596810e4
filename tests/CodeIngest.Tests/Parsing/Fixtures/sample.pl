package Demo::Greeter;
use strict;
use parent 'Demo::Base';
use List::Util qw(sum);
require Data::Dumper;

our @ISA = ('Exporter');

sub new {
    my ($class, %args) = @_;
    return bless {%args}, $class;
}

sub greet {
    my ($self, $name) = @_;
    my $text = format_name($name);
    $self->log($text);
    print "Hello, $text\n";
}

sub format_name { return ucfirst(shift) }

1;

package Demo::Child;
use base qw(Demo::Greeter Demo::Mixin);
use parent -norequire, 'Demo::Other';
push @ISA, 'Demo::Extra';

sub run {
    my $self = shift;
    $self->SUPER::greet('x');
    my $method = 'greet';
    $self->$method();
    return Demo::Greeter->new(name => 'y');
}
