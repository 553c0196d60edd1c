from dairly.cli import main

main()
