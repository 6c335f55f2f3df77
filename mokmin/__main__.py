from mokmin.cli import main

main()
