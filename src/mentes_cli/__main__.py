from mentes_cli.cli import main

main()
