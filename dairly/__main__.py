from dairly.entry import main

main()
