"""The speed benchmark: mentorgraph against PostGraphile and a bare SQL endpoint (`make bench`)."""
