from mokmin.entry import main

main()
