// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// The forge cheatcodes these tests use (forge's own interface; forge-std is not on a registry we
/// can reach in a version we trust, and this is all of it we need).
interface Vm {
    function addr(uint256 privateKey) external pure returns (address);
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    function prank(address sender) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function deal(address who, uint256 balance) external;
    function warp(uint256 timestamp) external;
    function chainId(uint256 chainId) external;
    function expectRevert() external;
    function expectRevert(bytes4 selector) external;
    function expectRevert(bytes calldata data) external;
    function assume(bool condition) external pure;
}

/// Three oracle keys (ordered by ascending address, as OracleQuorum wants their signatures), time
/// set, and the helpers every contract test uses to sign and to compare.
abstract contract QuorumTestBase {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    /// OpenZeppelin's Ownable error for a caller that is not the owner (governance).
    bytes4 internal constant OWNABLE_UNAUTHORIZED = bytes4(keccak256("OwnableUnauthorizedAccount(address)"));
    bytes4 internal constant NOT_AN_ORACLE = bytes4(keccak256("NotAnOracle(uint256,address)"));
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    /// Oracle keys, ordered by ascending address.
    uint256[3] internal oracleKeys;
    address internal governance = address(0x60);

    function setUp() public virtual {
        oracleKeys = _sortedKeys([uint256(0xA11CE), uint256(0xB0B0), uint256(0xC4A1)]);
        vm.warp(1_000_000);
    }

    function _oracleAddresses() internal view returns (address[] memory oracles) {
        oracles = new address[](3);
        for (uint256 i; i < 3; ++i) {
            oracles[i] = vm.addr(oracleKeys[i]);
        }
    }

    function _sortedKeys(uint256[3] memory keys) internal pure returns (uint256[3] memory) {
        for (uint256 i; i < 3; ++i) {
            for (uint256 j = i + 1; j < 3; ++j) {
                if (vm.addr(keys[j]) < vm.addr(keys[i])) (keys[i], keys[j]) = (keys[j], keys[i]);
            }
        }
        return keys;
    }

    function _signature(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// Signatures of the first two oracles (ascending): a quorum of two.
    function _quorum(bytes32 digest) internal view returns (bytes memory) {
        return abi.encodePacked(_signature(oracleKeys[0], digest), _signature(oracleKeys[1], digest));
    }

    /// The revert a quorum gives when the contract computes another digest than the one signed:
    /// the first signature recovers to a stranger, refused before anything else is looked at.
    /// `digest` is the one the contract will compute for what is sent.
    function _strangerSigned(bytes32 digest, bytes memory signatures) internal pure returns (bytes memory) {
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly {
            r := mload(add(signatures, 32))
            s := mload(add(signatures, 64))
            v := byte(0, mload(add(signatures, 96)))
        }
        return abi.encodeWithSelector(NOT_AN_ORACLE, 0, ecrecover(digest, v, r, s));
    }

    function _eq(uint256 a, uint256 b, string memory what) internal pure {
        if (a != b) revert(string.concat(what, ": ", _str(a), " != ", _str(b)));
    }

    function _str(uint256 v) private pure returns (string memory) {
        if (v == 0) return "0";
        bytes memory b;
        while (v > 0) {
            b = abi.encodePacked(bytes1(uint8(48 + (v % 10))), b);
            v /= 10;
        }
        return string(b);
    }
}
