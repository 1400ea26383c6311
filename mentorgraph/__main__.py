from mentorgraph.cli import main

main()
